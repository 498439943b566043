package io.soak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.source.RawMessage;
import io.soak.testdata.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader's transforms made cheaper (issue #16: they were ~70 % of the replay reader thread) give the texts the
 * first versions gave: {@link CaptureTransform#shift} (a scan from quote to quote instead of character by
 * character) against the character loop it replaced, and {@link CaptureTransform.Alias} (in place, read only up to
 * the symbol field) against the two replace-alls it replaced, over every recorded message and thousands of damaged
 * ones.
 */
class CaptureTransformEquivalenceTest {

    private static final List<String> RECORDED = new ArrayList<>();

    @BeforeAll
    static void read() throws Exception {
        for (String f : List.of(TestData.BTC, TestData.ETH)) {
            try (CaptureReader r = new CaptureReader(TestData.file(f))) {
                for (RawMessage m = r.next(); m != null; m = r.next()) {
                    RECORDED.add(m.text());
                }
            }
        }
        assertThat(RECORDED).hasSizeGreaterThan(1_000);
    }

    @Test
    void shiftGivesTheCharacterLoopsTextForEveryRecordedMessage() {
        long[][] shifts = {{0, 0, 1}, {345_852, 21_313, 27_643_578}, {-1, -7, -3}, {1, 0, 0}};
        int changed = 0;
        for (String text : RECORDED) {
            String wrapped = CaptureTransform.isSnapshot(text) ? CaptureTransform.wrapSnapshot(text, "BTCUSDT") : text;
            for (long[] s : shifts) {
                String want = referenceShift(wrapped, s[0], s[1], s[2]);
                assertThat(CaptureTransform.shift(wrapped, s[0], s[1], s[2])).isEqualTo(want);
                if (!want.equals(wrapped)) {
                    changed++;
                }
            }
        }
        assertThat(changed).as("the shifts changed texts").isGreaterThan(RECORDED.size() * 3);
    }

    @Test
    void shiftGivesTheCharacterLoopsTextForDamagedMessages() {
        SplittableRandom rnd = new SplittableRandom(16);
        int cases = 0;
        for (int i = 0; i < RECORDED.size(); i += 25) {
            String good = RECORDED.get(i);
            for (int k = 0; k < 20; k++) {
                String bad = damage(good, rnd);
                assertThat(CaptureTransform.shift(bad, 1_000, 7, 3)).as("damaged: %s", bad)
                        .isEqualTo(referenceShift(bad, 1_000, 7, 3));
                cases++;
            }
        }
        assertThat(cases).isGreaterThan(1_000);
    }

    @Test
    void aliasGivesTheReplaceAllsTextForEveryRecordedMessage() {
        List<CaptureTransform.Alias> aliases = new ArrayList<>();
        String[][] pairs = {{"BTCUSDT", "XRPUSDT"}, {"ETHUSDT", "DOGEUSDT"}, {"BTCUSDT", "BTC1USDT"}, {"ETHUSDT", "OP"}};
        for (String[] p : pairs) {
            aliases.add(new CaptureTransform.Alias(p[0], p[1]));
        }
        int rewritten = 0;
        for (String text : RECORDED) {
            String wrapped = CaptureTransform.isSnapshot(text) ? CaptureTransform.wrapSnapshot(text, "BTCUSDT") : text;
            for (int p = 0; p < pairs.length; p++) {
                String want = referenceAlias(wrapped, pairs[p][0], pairs[p][1]);
                assertThat(aliases.get(p).apply(wrapped)).isEqualTo(want);
                if (!want.equals(wrapped)) {
                    rewritten++;
                }
            }
        }
        assertThat(rewritten).as("aliases rewrote texts").isGreaterThanOrEqualTo(RECORDED.size() * 2);
    }

    @Test
    void aliasRewritesTheEnvelopesStreamAndTheFirstSymbolFieldOnly() {
        CaptureTransform.Alias a = new CaptureTransform.Alias("btcusdt", "SOLUSDT");
        String twoFields = "{\"stream\":\"btcusdt@trade\",\"data\":{\"s\":\"BTCUSDT\",\"x\":{\"s\":\"BTCUSDT\"}}}";
        assertThat(a.apply(twoFields))
                .isEqualTo("{\"stream\":\"solusdt@trade\",\"data\":{\"s\":\"SOLUSDT\",\"x\":{\"s\":\"BTCUSDT\"}}}");
        String noEnvelope = "{\"data\":{\"stream\":\"btcusdt@trade\",\"s\":\"BTCUSDT\"}}";
        assertThat(a.apply(noEnvelope)).isEqualTo("{\"data\":{\"stream\":\"btcusdt@trade\",\"s\":\"SOLUSDT\"}}");
        String otherSymbol = "{\"stream\":\"ethusdt@trade\",\"data\":{\"s\":\"ETHUSDT\"}}";
        assertThat(a.apply(otherSymbol)).isSameAs(otherSymbol);
        String symbolFirst = "{\"s\":\"BTCUSDT\",\"stream\":\"btcusdt@x\"}";
        assertThat(a.apply(symbolFirst)).isEqualTo("{\"s\":\"SOLUSDT\",\"stream\":\"btcusdt@x\"}");
        assertThat(a.apply("")).isEmpty();
        assertThat(a.apply("{\"stream\":\"btcusdt@")).isEqualTo("{\"stream\":\"solusdt@");
    }

    @Test
    void aNumberThatIsNotALongStaysAsItIs() {
        // the first version threw NumberFormatException here: a looped replay died on such a line at its second pass
        for (String bad : List.of("{\"data\":{\"E\":-,\"T\":5}}", "{\"data\":{\"T\":5,\"E\":-",
                "{\"data\":{\"E\":123456789012345678901234,\"T\":5}}", "{\"data\":{\"u\":--1,\"T\":5}}")) {
            String out = CaptureTransform.shift(bad, 10, 10, 10);
            assertThat(out).as(bad).isEqualTo(bad.replace("\"T\":5", "\"T\":15"));
        }
    }

    /** A byte dropped, inserted or replaced, a cut, a quote or a backslash put somewhere. */
    private static String damage(String good, SplittableRandom r) {
        String[] bits = {"\"", "\\", "\\\"", ":", "-", "0", ".", "{", "[", ",", " ", "\"E\":", "\"u\":-", "\"a\":1.5"};
        int at = r.nextInt(good.length());
        return switch (r.nextInt(5)) {
            case 0 -> good.substring(0, at) + good.substring(Math.min(good.length(), at + 1 + r.nextInt(3)));
            case 1 -> good.substring(0, at) + bits[r.nextInt(bits.length)] + good.substring(at);
            case 2 -> good.substring(0, at) + bits[r.nextInt(bits.length)] + good.substring(Math.min(good.length(), at + 1));
            case 3 -> good.substring(0, at);
            default -> good.substring(0, at) + "\\" + good.substring(at);
        };
    }

    /**
     * The shift as the first version wrote it, one character at a time, with one change: a value that is not a
     * long ({@code -} alone, 20 digits) stays as it is; the first version threw (see
     * {@link #aNumberThatIsNotALongStaysAsItIs()}).
     */
    static String referenceShift(String json, long timeShiftMs, long tradeIdShift, long updateIdShift) {
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
                String key = json.substring(start, keyEnd);
                int kind = switch (key) {
                    case "E", "T" -> 1;
                    case "a", "t", "f", "l" -> 2;
                    case "u", "U", "pu", "lastUpdateId" -> 3;
                    default -> 0;
                };
                if (kind != 0 && v < n && (isDigit(json.charAt(v)) || json.charAt(v) == '-')) {
                    int e = v + 1;
                    while (e < n && isDigit(json.charAt(e))) {
                        e++;
                    }
                    if (e >= n || json.charAt(e) != '.') {
                        long value;
                        try {
                            value = Long.parseLong(json, v, e, 10);
                        } catch (NumberFormatException notALong) { // the one change: the first version threw here
                            i = e;
                            continue;
                        }
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The alias as the first version wrote it: two replace-alls. */
    static String referenceAlias(String json, String recordedSymbol, String servedSymbol) {
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
}
