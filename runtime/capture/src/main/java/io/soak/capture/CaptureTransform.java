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
 * A value that is not a long ({@code -} alone, more digits than a long holds) is left as it is.
 * Symbol aliasing ({@link Alias}) rewrites the envelope's {@code "stream":"<recorded lower-case>@…"} and the
 * data's {@code "s":"<RECORDED>"}. Stateless and thread-safe.
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
        StringBuilder out = null;
        int n = json.length();
        int copied = 0;
        int i = 0;
        while (i < n) {
            // the next string token (the characters between tokens hold no quote): indexOf is a vectorised scan
            int open = json.indexOf('"', i);
            if (open < 0) {
                break;
            }
            int start = open + 1;
            int j = closingQuote(json, start);
            if (j < 0) {
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
                        long value;
                        try {
                            value = Long.parseLong(json, v, e, 10);
                        } catch (NumberFormatException notALong) { // "-" alone, or past a long: left as it is
                            i = e;
                            continue;
                        }
                        long delta = kind == 1 ? timeShiftMs : kind == 2 ? tradeIdShift : updateIdShift;
                        if (out == null) {
                            out = new StringBuilder(n + 16);
                        }
                        out.append(json, copied, v).append(value + delta);
                        copied = e;
                        i = e;
                        continue;
                    }
                }
            }
            i = keyEnd + 1;
        }
        if (out == null) {
            return json;
        }
        out.append(json, copied, n);
        return out.toString();
    }

    /**
     * The index of the quote that ends the string token whose first character is at {@code from} (a quote after
     * an odd number of backslashes is part of the string), or -1 when the text ends first.
     */
    private static int closingQuote(String json, int from) {
        int j = json.indexOf('"', from);
        while (j >= 0) {
            int b = j - 1;
            while (b >= from && json.charAt(b) == '\\') {
                b--;
            }
            if (((j - 1 - b) & 1) == 0) {
                return j;
            }
            j = json.indexOf('"', j + 1);
        }
        return -1;
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
     * Serves messages of one recorded symbol as another: rewrites the envelope's stream name prefix
     * ({@code "stream":"<recorded lower-case>@"} at the start of the text) and the data's symbol field (the first
     * {@code "s":"<RECORDED>"}). A combined-stream message has one of each; nothing else in it is touched, and
     * the text is read only as far as the symbol field (not to its end, as a replace-all would). Immutable and
     * thread-safe.
     */
    public static final class Alias {

        private static final String STREAM_KEY = "\"stream\":\"";
        /** How far into the text the envelope's stream key may start (as {@link #streamOf(String)} reads it). */
        private static final int STREAM_KEY_MAX_AT = 8;

        private final boolean identity;
        private final String fromLower;
        private final String toLower;
        private final String fromUpper;
        private final String toUpper;
        private final String symbolField;

        public Alias(String recordedSymbol, String servedSymbol) {
            this.identity = recordedSymbol.equalsIgnoreCase(servedSymbol);
            this.fromLower = recordedSymbol.toLowerCase(Locale.ROOT) + "@";
            this.toLower = servedSymbol.toLowerCase(Locale.ROOT) + "@";
            this.fromUpper = recordedSymbol.toUpperCase(Locale.ROOT);
            this.toUpper = servedSymbol.toUpperCase(Locale.ROOT);
            this.symbolField = "\"s\":\"" + fromUpper + "\"";
        }

        /** The message as the served symbol's; {@code json} itself when there is nothing to rewrite. */
        public String apply(String json) {
            if (identity) {
                return json;
            }
            int stream = -1;
            int limit = Math.min(STREAM_KEY_MAX_AT, json.length() - STREAM_KEY.length());
            for (int k = 0; k <= limit; k++) {
                if (json.startsWith(STREAM_KEY, k)) {
                    if (json.startsWith(fromLower, k + STREAM_KEY.length())) {
                        stream = k + STREAM_KEY.length();
                    }
                    break;
                }
            }
            int field = json.indexOf(symbolField);
            int symbol = field < 0 ? -1 : field + 5;
            if (stream < 0 && symbol < 0) {
                return json;
            }
            StringBuilder out = new StringBuilder(json.length() + 2 * (toUpper.length() - fromUpper.length()));
            boolean streamFirst = stream >= 0 && (symbol < 0 || stream < symbol);
            int copied = 0;
            if (streamFirst) {
                copied = replace(out, json, copied, stream, fromLower.length(), toLower);
            }
            if (symbol >= 0) {
                copied = replace(out, json, copied, symbol, fromUpper.length(), toUpper);
            }
            if (stream >= 0 && !streamFirst) {
                copied = replace(out, json, copied, stream, fromLower.length(), toLower);
            }
            return out.append(json, copied, json.length()).toString();
        }

        /** Appends the text from {@code copied} to {@code at}, then {@code to} for its {@code length} characters. */
        private static int replace(StringBuilder out, String json, int copied, int at, int length, String to) {
            out.append(json, copied, at).append(to);
            return at + length;
        }
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
