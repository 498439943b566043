package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.capture.CaptureReader;
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
            long flat = 0;
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
                    if (reference.lastStream() != null && (reference.lastStream().kind == StreamInfo.Kind.BOOK_TICKER
                            || reference.lastStream().kind.trades()) && !want.startsWith("ERR")) {
                        flat++;
                    }
                }
            }
            assertThat(diffs).as("diff updates in %s", name).isGreaterThan(100);
            assertThat(fast.fastDiffsParsed()).as("diffs the fast path parsed in %s", name).isEqualTo(diffs);
            assertThat(reference.fastDiffsParsed()).isZero();
            assertThat(flat).as("trades and book tickers in %s", name).isGreaterThan(100);
            assertThat(fast.fastFlatParsed()).as("trades and book tickers the flat fast path parsed in %s", name)
                    .isEqualTo(flat);
            assertThat(reference.fastFlatParsed()).isZero();
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
        damagedAlike(diffs, good -> mutate(good, rnd), new MarketParser());
    }

    /**
     * 30 damaged copies of every good message, each with the same outcome through {@code fast} as through the
     * Jackson-only parser; both kinds of outcome must occur, so the comparison covered errors and values.
     */
    private static void damagedAlike(List<String> goods, java.util.function.UnaryOperator<String> damage, MarketParser fast)
            throws Exception {
        MarketParser reference = new MarketParser(false);
        int malformed = 0;
        int accepted = 0;
        int cases = 0;
        for (String good : goods) {
            for (int k = 0; k < 30; k++) {
                String bad = damage.apply(good);
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

    @Test
    void damagedTradesAndBookTickersHaveTheSameOutcomeAsBefore() throws Exception {
        List<String> flat = new ArrayList<>();
        try (CaptureReader r = new CaptureReader(SharedData.file(SharedData.BTC))) {
            RawMessage m;
            int trades = 0;
            int tickers = 0;
            while ((trades < 200 || tickers < 200) && (m = r.next()) != null) {
                if (m.text().contains("@bookTicker\"") && tickers < 200) {
                    flat.add(m.text());
                    tickers++;
                } else if ((m.text().contains("@trade\"") || m.text().contains("@aggTrade\"")) && trades < 200) {
                    flat.add(m.text());
                    trades++;
                }
            }
        }
        assertThat(flat).hasSizeGreaterThan(300);
        SplittableRandom rnd = new SplittableRandom(17);
        MarketParser fast = new MarketParser();
        damagedAlike(flat, good -> rnd.nextInt(4) == 0 ? flatMutation(good, rnd) : mutate(good, rnd), fast);
        assertThat(fast.fastFlatParsed()).as("the fast path took part").isGreaterThan(flat.size() * 30L / 20);
    }

    /** A field of a trade or book ticker renamed, retyped or emptied. */
    private static String flatMutation(String good, SplittableRandom r) {
        String[] keys = {"p", "q", "m", "t", "a", "b", "B", "A", "E", "T", "u", "s", "e"};
        String[] values = {"\"\"", "\"-1\"", "\"0\"", "1", "1.5", "true", "null", "\"1e5\"", "[]", "{}", "\"x\"",
            "12345678901234567890", "-0", "\"NaN\"", "\"00.10\""};
        String key = keys[r.nextInt(keys.length)];
        int k = good.indexOf("\"" + key + "\":");
        if (k < 0) {
            return good;
        }
        int v0 = k + key.length() + 3;
        int v1 = v0;
        if (good.charAt(v0) == '"') {
            v1 = good.indexOf('"', v0 + 1) + 1;
        } else {
            while (v1 < good.length() && ",}".indexOf(good.charAt(v1)) < 0) {
                v1++;
            }
        }
        return switch (r.nextInt(3)) {
            case 0 -> good.substring(0, v0) + values[r.nextInt(values.length)] + good.substring(v1);
            case 1 -> good.substring(0, k + 1) + keys[r.nextInt(keys.length)] + good.substring(k + 1 + key.length());
            default -> good.substring(0, v1) + ",\"" + key + "\":" + values[r.nextInt(values.length)] + good.substring(v1);
        };
    }

    @Test
    void unusualButValidTradesAndBookTickersParseAlikeToo() {
        String bt = "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"e\":\"bookTicker\",\"u\":7,\"s\":\"BTCUSDT\","
                + "\"b\":\"60000.10\",\"B\":\"1.5\",\"a\":\"60000.20\",\"A\":\"0\",\"T\":1723075200099,\"E\":1723075200100}}";
        String tr = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723075200100,\"T\":1723075200099,"
                + "\"s\":\"BTCUSDT\",\"t\":42,\"p\":\"60000.5\",\"q\":\"0.010\",\"X\":\"MARKET\",\"m\":false}}";
        String ag = "{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":1723075200100,\"s\":\"BTCUSDT\","
                + "\"a\":7,\"p\":\"60000.5\",\"q\":\"0.010\",\"f\":1,\"l\":1,\"T\":1723075200099,\"m\":true}}";
        String[] texts = {
            bt, tr, ag,
            bt.replace("{\"e\"", " {\n \"e\"").replace("}}", " } , \"seam\" : true }\n"),
            bt.replace("}}", "},\"seam\":false}"),
            bt.replace("\"b\":\"60000.10\"", "\"b\":60000.10"),
            bt.replace("\"b\":\"60000.10\"", "\"b\":\"-60000.10\""),
            bt.replace("\"A\":\"0\"", "\"A\":\"0\",\"A\":\"2\""),
            bt.replace("\"u\":7", "\"u\":7.0"),
            bt.replace("\"u\":7", "\"u\":1234567890123456789"),
            bt.replace("\"u\":7", "\"U\":7"),
            bt.replace("\"s\":\"BTCUSDT\"", "\"s\":\"BT\\u0043USDT\""),
            bt.replace("\"s\":\"BTCUSDT\"", "\"s\":{\"x\":1}"),
            bt.replace("}}", "},\"E\":5}"),
            bt + " x",
            bt.replace("\"E\":1723075200100", "\"E\":1723075200100,"),
            tr.replace("\"m\":false", "\"m\":null"),
            tr.replace("\"m\":false", "\"m\":0"),
            tr.replace("\"t\":42", "\"t\":\"42\""),
            tr.replace("\"p\":\"60000.5\"", "\"p\":\"0\""),
            tr.replace("\"q\":\"0.010\"", "\"q\":\"1e400\""),
            tr.replace(",\"m\":false", ""),
            ag.replace("\"a\":7", "\"a\":\"7\""),
            ag.replace("\"a\":7", "\"a\":[]"),
            ag.replace("\"E\":1723075200100", "\"E\":-0"),
            "{\"data\":{\"u\":7,\"b\":\"1\",\"B\":\"1\",\"a\":\"2\",\"A\":\"1\",\"E\":5},\"stream\":\"btcusdt@bookTicker\"}",
            "{\"stream\":\"btcusdt@bookTicker\"}",
            "{\"stream\":\"btcusdt@bookTicker\",\"data\":{}}",
            "{\"stream\":\"btcusdt@bookTicker",
            "{\"stream\":\"btcusdt@trade\",\"data\":{\"t\":1,\"p\":\"1\",\"q\":\"1\",\"m\":true,\"E\":5",
        };
        MarketParser fast = new MarketParser();
        MarketParser reference = new MarketParser(false);
        for (String t : texts) {
            RawMessage m = new RawMessage(1_723_075_200_200_000_000L, t);
            assertThat(outcome(fast, m)).as(t).isEqualTo(outcome(reference, m));
        }
        // the three plain ones, the two with spaces and a seam, and the duplicate-free errors build() finds
        assertThat(fast.fastFlatParsed()).isGreaterThanOrEqualTo(5);
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
