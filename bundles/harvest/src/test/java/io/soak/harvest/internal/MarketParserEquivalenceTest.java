package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.capture.CaptureReader;
import io.soak.api.source.RawMessage;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fast path for diff-depth updates ({@link MarketParser#parse} with it, the default) against the Jackson-only
 * parser it replaced ({@code new MarketParser(false)}): the same outcome for every message of the recordings
 * (the same values, bit for bit, or the same error reason and text), and for thousands of damaged diff messages
 * (every malformed one is still counted under the reason it had). The fast path must have parsed every diff of the
 * recordings, or it saves nothing.
 */
class MarketParserEquivalenceTest {

    @Test
    void everyRecordedMessageParsesToTheSameOutcome() throws Exception {
        for (String name : List.of(SharedData.BTC, SharedData.ETH)) {
            MarketParser fast = new MarketParser();
            MarketParser reference = new MarketParser(false);
            long diffs = 0;
            long messages = 0;
            try (CaptureReader r = new CaptureReader(SharedData.file(name))) {
                RawMessage m;
                while ((m = r.next()) != null) {
                    messages++;
                    String want = outcome(reference, m);
                    String got = outcome(fast, m);
                    assertThat(got).as("message %d of %s", messages, name).isEqualTo(want);
                    if (reference.lastStream() != null && reference.lastStream().kind == StreamInfo.Kind.DIFF_DEPTH
                            && want.startsWith("ParsedDepth")) {
                        diffs++;
                    }
                }
            }
            assertThat(diffs).as("diff updates in %s", name).isGreaterThan(100);
            assertThat(fast.fastDiffsParsed()).as("diffs the fast path parsed in %s", name).isEqualTo(diffs);
            assertThat(reference.fastDiffsParsed()).isZero();
        }
    }

    @Test
    void damagedDiffMessagesHaveTheSameOutcomeAsBefore() throws Exception {
        List<String> diffs = new ArrayList<>();
        try (CaptureReader r = new CaptureReader(SharedData.file(SharedData.BTC))) {
            RawMessage m;
            while (diffs.size() < 400 && (m = r.next()) != null) {
                if (m.text().contains("@depth@")) {
                    diffs.add(m.text());
                }
            }
        }
        assertThat(diffs).hasSizeGreaterThan(50);
        SplittableRandom rnd = new SplittableRandom(16);
        MarketParser fast = new MarketParser();
        MarketParser reference = new MarketParser(false);
        int malformed = 0;
        int accepted = 0;
        int cases = 0;
        for (String good : diffs) {
            for (int k = 0; k < 30; k++) {
                String bad = mutate(good, rnd);
                RawMessage m = new RawMessage(1_000L + cases, bad);
                String want = outcome(reference, m);
                assertThat(outcome(fast, m)).as("mutation %d: %s", cases, abbreviate(bad)).isEqualTo(want);
                if (want.startsWith("ERR")) {
                    malformed++;
                } else {
                    accepted++;
                }
                cases++;
            }
        }
        // both kinds of outcome occur, so the comparison covered errors and values
        assertThat(malformed).isGreaterThan(cases / 10);
        assertThat(accepted).isGreaterThan(cases / 10);
    }

    @Test
    void unusualButValidDiffsParseAlikeToo() throws Exception {
        String[] texts = {
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":1,\"T\":1,\"s\":\"BTCUSDT\",\"U\":5,\"u\":6,\"pu\":4,\"b\":[],\"a\":[]}}",
            "{\"stream\":\"btcusdt@depth@0ms\" ,\n \"data\" : { \"U\" : 5 , \"u\":6, \"E\" : -0, \"b\" : [ [ \"1.5\" , \"0\" ] ] , \"a\":[[\"2\",\"3.25\"]], \"x\":null, \"y\":true, \"z\":\"\u00e9\" } , \"seam\":true }\n",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]]},\"seam\":false}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]],\"b\":[[\"1.6\",\"1\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[1.5,\"1\"]],\"a\":[[\"2\",\"3\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]],\"bids\":[[\"9\",\"9\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]]},\"E\":9}",
            "{\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]]},\"stream\":\"btcusdt@depth@0ms\"}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]]}} x",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7.5,\"b\":[[\"1.5\",\"1\"]],\"a\":[[\"2\",\"3\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":12345678901234567890,\"b\":[],\"a\":[]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"0\",\"1\"]],\"a\":[[\"2\",\"3\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1e400\",\"1\"]],\"a\":[[\"2\",\"3\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1\",\"-1\"]],\"a\":[[\"2\",\"3\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1.0000000000000000001\",\"1\"]],\"a\":[[\"2\",\"3\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1\",\"1\",\"1\"]],\"a\":[[\"2\",\"3\"]]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"s\":\"BT\\u0043USDT\",\"b\":[],\"a\":[]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"E\":7,\"b\":[],\"a\":[]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":05,\"u\":6,\"E\":7,\"b\":[],\"a\":[]}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[],\"a\":[],}}",
            "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[],\"a\":[]},\"seam\":1}",
        };
        texts = java.util.stream.Stream.concat(Arrays.stream(texts), Stream.of(
                " {\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[],\"a\":[]}}",
                "{\"stream\":\"btcusdt@depth5@100ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[],\"a\":[]}}",
                "{\"stream\":\"btcusdt@depth\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[],\"a\":[]}}",
                "{\"stream\":\"btcusdt@depth@",
                "{\"stream\":\"btcusdt@depth\"}",
                "{\"stream\":\"btcusdt@depth",
                "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{\"U\":5,\"u\":6,\"E\":7,\"b\":[[\"1\",\"2\"]],\"a\":[[\"3\",\"4\"]")).toArray(String[]::new);
        MarketParser fast = new MarketParser();
        MarketParser reference = new MarketParser(false);
        for (String t : texts) {
            RawMessage m = new RawMessage(42, t);
            assertThat(outcome(fast, m)).as(t).isEqualTo(outcome(reference, m));
        }
        // the first three, the 19-digit price (Decimals falls back to Double.parseDouble on both paths) and "@depth";
        // the others are not the plain shape
        assertThat(fast.fastDiffsParsed()).isEqualTo(5);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** One damage to a good frame: the characters JSON is made of, in the wrong places. */
    static String mutate(String good, SplittableRandom r) {
        String[] bits = {"[", "]", "{", "}", ",", ":", "\"", "\\", " ", "0", "9", "-", ".", "e", "a", "b", "\n", "\u0001",
            "\"x\"", "null", "true", "[\"1\",\"2\"]", "\"\"", "1e400", "NaN"};
        int at = r.nextInt(good.length());
        return switch (r.nextInt(8)) {
            case 0 -> good.substring(0, at) + good.substring(Math.min(good.length(), at + 1 + r.nextInt(3)));
            case 1 -> good.substring(0, at) + bits[r.nextInt(bits.length)] + good.substring(at);
            case 2 -> good.substring(0, at) + bits[r.nextInt(bits.length)] + good.substring(at + 1);
            case 3 -> good.substring(0, at);
            case 4 -> {
                int from = r.nextInt(good.length());
                int to = Math.min(good.length(), from + 1 + r.nextInt(40));
                yield good.substring(0, at) + good.substring(from, to) + good.substring(at);
            }
            case 5 -> good.replaceFirst("\"" + (r.nextBoolean() ? "b" : "a") + "\":", "\"" + (r.nextBoolean() ? "bids" : "p") + "\":");
            case 6 -> {
                // a level value replaced
                int q = good.indexOf("[\"", Math.max(0, at - 200));
                if (q < 0) {
                    yield good + " ";
                }
                int close = good.indexOf('"', q + 2);
                yield good.substring(0, q + 2) + bits[r.nextInt(bits.length)].replace("\"", "") + good.substring(close);
            }
            default -> good.replaceFirst("\"" + new String[] {"E", "U", "u", "pu", "T", "stream", "data"}[r.nextInt(7)] + "\":",
                    "\"" + new String[] {"E", "x", "seam", "data", "t", "m"}[r.nextInt(6)] + "\":");
        };
    }

    /** What the parser made of a message: every value of the result (arrays element by element), or the error. */
    static String outcome(MarketParser p, RawMessage m) {
        StringBuilder sb = new StringBuilder();
        try {
            Object o = p.parse(m);
            describe(o, sb);
        } catch (MalformedMessageException e) {
            sb.append("ERR ").append(e.reason()).append(" | ").append(e.getMessage());
        }
        sb.append(" | stream=").append(p.lastStream() == null ? null : p.lastStream().name).append(" seam=").append(p.lastSeam());
        return sb.toString();
    }

    private static void describe(Object o, StringBuilder sb) {
        if (o == MarketParser.SKIPPED) {
            sb.append("SKIPPED");
            return;
        }
        sb.append(o.getClass().getSimpleName()).append('(');
        RecordComponent[] cs = o.getClass().getRecordComponents();
        if (cs == null) {
            sb.append(o).append(')');
            return;
        }
        for (RecordComponent c : cs) {
            Object v;
            try {
                v = c.getAccessor().invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            sb.append(c.getName()).append('=');
            if (v instanceof double[] d) {
                // bit for bit: every value as its raw long bits
                long[] bitsOf = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    bitsOf[i] = Double.doubleToRawLongBits(d[i]);
                }
                sb.append(Arrays.toString(bitsOf));
            } else if (v instanceof Double d) {
                sb.append(Double.doubleToRawLongBits(d));
            } else {
                sb.append(v);
            }
            sb.append(", ");
        }
        sb.append(')');
    }
}
