package io.soak.capture;

import java.util.Locale;

/**
 * Pure text transforms of one combined-stream message, used to loop a capture and to serve a recorded
 * symbol as another one. Shared by the capture replay feed and the feed emulator so both produce
 * byte-identical messages. Works on the raw JSON text without a parser (no tree, one pass), touching
 * only unquoted integer values of known keys:
 * <ul>
 *   <li>time keys {@code E}, {@code T} (ms since epoch) are shifted by {@code timeShiftMs};</li>
 *   <li>trade id keys {@code a} (aggregate id; a quoted {@code a} is a book price and stays), {@code t},
 *       {@code f}, {@code l} are shifted by {@code tradeIdShift};</li>
 *   <li>update id keys {@code u}, {@code U}, {@code pu}, {@code lastUpdateId} are shifted by
 *       {@code updateIdShift}.</li>
 * </ul>
 * Symbol aliasing rewrites the envelope's {@code "stream":"<recorded lower-case>@…"} and the data's
 * {@code "s":"<RECORDED>"}. Stateless and thread-safe.
 */
public final class CaptureTransform {

    private CaptureTransform() {
    }

    /**
     * Returns {@code json} with times and ids shifted (see the class comment). Zero shifts return the
     * same instance.
     */
    public static String shift(String json, long timeShiftMs, long tradeIdShift, long updateIdShift) {
        if (timeShiftMs == 0 && tradeIdShift == 0 && updateIdShift == 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length() + 16);
        int n = json.length();
        int copied = 0;
        int i = 0;
        while (i < n) {
            char c = json.charAt(i);
            if (c != '"') {
                i++;
                continue;
            }
            // a string token: find its end (escapes skipped)
            int start = i + 1;
            int j = start;
            while (j < n) {
                char d = json.charAt(j);
                if (d == '\\') {
                    j += 2;
                    continue;
                }
                if (d == '"') {
                    break;
                }
                j++;
            }
            if (j >= n) {
                break;
            }
            int keyEnd = j;
            int k = j + 1;
            if (k < n && json.charAt(k) == ':') {
                int v = k + 1;
                int kind = keyKind(json, start, keyEnd);
                if (kind != 0 && v < n && (isDigit(json.charAt(v)) || json.charAt(v) == '-')) {
                    int e = v + 1;
                    while (e < n && isDigit(json.charAt(e))) {
                        e++;
                    }
                    if (e >= n || json.charAt(e) != '.') {
                        long value = Long.parseLong(json, v, e, 10);
                        long delta = kind == 1 ? timeShiftMs : kind == 2 ? tradeIdShift : updateIdShift;
                        out.append(json, copied, v).append(value + delta);
                        copied = e;
                        i = e;
                        continue;
                    }
                }
            }
            i = keyEnd + 1;
        }
        if (copied == 0) {
            return json;
        }
        out.append(json, copied, n);
        return out.toString();
    }

    /** 1 = time key, 2 = trade id key, 3 = update id key, 0 = anything else. */
    private static int keyKind(String s, int from, int to) {
        int len = to - from;
        if (len == 1) {
            return switch (s.charAt(from)) {
                case 'E', 'T' -> 1;
                case 'a', 't', 'f', 'l' -> 2;
                case 'u', 'U' -> 3;
                default -> 0;
            };
        }
        if (len == 2 && s.charAt(from) == 'p' && s.charAt(from + 1) == 'u') {
            return 3;
        }
        if (len == 12 && s.startsWith("lastUpdateId", from)) {
            return 3;
        }
        return 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Serves a message of {@code recordedSymbol} as {@code servedSymbol}: rewrites the stream name prefix
     * and the {@code "s"} field. Symbols in any case; returns {@code json} unchanged when they are equal.
     */
    public static String alias(String json, String recordedSymbol, String servedSymbol) {
        if (recordedSymbol.equalsIgnoreCase(servedSymbol)) {
            return json;
        }
        String fromLower = recordedSymbol.toLowerCase(Locale.ROOT);
        String toLower = servedSymbol.toLowerCase(Locale.ROOT);
        String fromUpper = recordedSymbol.toUpperCase(Locale.ROOT);
        String toUpper = servedSymbol.toUpperCase(Locale.ROOT);
        String out = json.replace("\"stream\":\"" + fromLower + "@", "\"stream\":\"" + toLower + "@");
        return out.replace("\"s\":\"" + fromUpper + "\"", "\"s\":\"" + toUpper + "\"");
    }

    /**
     * The stream name of a combined-stream envelope ({@code "stream":"…"} near the start), or null when the
     * text is not an envelope (for example a REST snapshot line).
     */
    public static String streamOf(String json) {
        int k = json.indexOf("\"stream\":\"");
        if (k < 0 || k > 8) {
            return null;
        }
        int from = k + 10;
        int to = json.indexOf('"', from);
        return to < 0 ? null : json.substring(from, to);
    }

    /** True for a bare REST depth snapshot line {@code {"lastUpdateId":…}}. */
    public static boolean isSnapshot(String json) {
        return json.startsWith("{\"lastUpdateId\":");
    }

    /**
     * Wraps a bare REST snapshot in a combined-stream envelope {@code {"stream":"<sym>@depthSnapshot","data":…}}
     * so it can travel with the streams and be attributed to its symbol.
     */
    public static String wrapSnapshot(String json, String symbol) {
        return "{\"stream\":\"" + symbol.toLowerCase(Locale.ROOT) + SNAPSHOT_SUFFIX + "\",\"data\":" + json + "}";
    }

    /** Stream-name suffix of a wrapped REST snapshot (a soak extension, not a Binance stream). */
    public static final String SNAPSHOT_SUFFIX = "@depthSnapshot";
}
