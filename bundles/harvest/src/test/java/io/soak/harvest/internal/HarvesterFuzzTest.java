package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.capture.CaptureFileException;
import io.soak.capture.CaptureReader;
import io.soak.capture.CaptureReplay;
import io.soak.api.market.BookDepth;
import io.soak.api.market.MarketEvent;
import io.soak.api.source.RawMessage;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "what it must show": generated malformed frames and damaged captures through the harvester and
 * the capture reader. 0 crashes; every frame is accounted for by exactly one outcome (emitted/handled, a parse
 * error under exactly one reason and one stream, or a skipped kind); every gap or reordering of the diff
 * stream is one counted resync, and the book is true again (equal to a reference book) after the snapshot
 * that follows it.
 */
class HarvesterFuzzTest {

    private static final long SEED = 11;
    private static final String[] REASONS = {"invalid_json", "not_envelope", "wrong_type", "missing_field", "non_finite",
        "non_positive_price", "negative_quantity", "time_out_of_range", "unattributed_snapshot"};

    @TempDir
    Path tmp;

    /** One mutation of a good frame, and the outcome it must have. */
    record Mutated(String text, String expect) {
    }

    static Mutated mutate(String good, SplittableRandom r) {
        int kind = r.nextInt(12);
        switch (kind) {
            case 0:
                return new Mutated(good.substring(0, r.nextInt(good.length() - 1)), "invalid_json");
            case 1: {
                byte[] b = new byte[1 + r.nextInt(80)];
                r.nextBytes(b);
                return new Mutated("\u0001" + new String(b, StandardCharsets.ISO_8859_1), "invalid_json");
            }
            case 2:
                return new Mutated(good.replaceFirst("\"E\":\\d+", "\"E\":\"soon\""), "wrong_type");
            case 3: {
                String[] bad = {"NaN", "Infinity", "-Infinity", "1e400"};
                return new Mutated(replaceFirstPrice(good, bad[r.nextInt(bad.length)]), "non_finite");
            }
            case 4:
                return new Mutated(replaceFirstPrice(good, r.nextBoolean() ? "0" : "-" + (1 + r.nextInt(1000))),
                        "non_positive_price");
            case 5:
                return new Mutated(good.replaceFirst("\"E\":\\d+", "\"E\":" + (r.nextBoolean() ? 4_102_444_800_000L
                        : r.nextInt(1_000_000))), "time_out_of_range");
            case 6:
                return new Mutated(good.replaceFirst(",\"(q|B)\":\"[^\"]*\"", ""), "missing_field");
            case 7:
                return new Mutated("{\"result\":null,\"id\":" + r.nextInt(100) + "}", "not_envelope");
            case 8:
                return new Mutated(good.replaceFirst("@(trade|bookTicker|depth@0ms)\"", "@markPrice@1s\""), "skipped");
            case 9:
                return new Mutated(good.replaceFirst("\"data\":\\{", "\"data\":[{"), "wrong_type");
            case 10:
                return new Mutated(good + "]", "invalid_json");
            default:
                return new Mutated(good.replaceFirst("\"stream\":\"[^\"]*\"", "\"stream\":" + r.nextInt(9)), "wrong_type");
        }
    }

    /** The first decimal string value after a price key (p, b, a or a level) replaced by {@code v}. */
    static String replaceFirstPrice(String s, String v) {
        for (String key : new String[] {"\"p\":\"", "\"b\":\"", "\"b\":[[\"", "\"a\":[[\""}) {
            int k = s.indexOf(key);
            if (k >= 0) {
                int from = k + key.length();
                int to = s.indexOf('"', from);
                return s.substring(0, from) + v + s.substring(to);
            }
        }
        throw new AssertionError("no price in " + s);
    }

    static long sum(TestMetrics m, String prefix) {
        return m.with(prefix).values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void malformedFramesAreEachCountedUnderOneReasonAndGapsResyncTheBookToTheTruth() throws Exception {
        List<RawMessage> head = SharedData.head(SharedData.BTC, 20_000);
        SplittableRandom r = new SplittableRandom(SEED);
        TestMetrics m = new TestMetrics();
        List<MarketEvent> out = new ArrayList<>();
        Harvester h = new Harvester(m, out::add, 65_536, 5);
        LocalBook reference = new LocalBook("BTCUSDT", 5, 256, 5_000);
        MarketParser refParser = new MarketParser();
        Map<String, Long> expected = new TreeMap<>();
        long frames = 0;
        long malformed = 0;
        long gaps = 0;
        long checkedBooks = 0;
        RawMessage held = null; // a diff held back to be delivered after the next one (a reordering)
        boolean previousDiffDelivered = true; // faults are one diff apart: two in a row are one gap
        for (int i = 0; i < head.size(); i++) {
            RawMessage good = head.get(i);
            boolean diff = good.text().contains("@depth@0ms");
            Object parsed = refParser.parse(good);
            if (parsed instanceof ParsedDepth d) {
                if (d.snapshot()) {
                    reference.onSnapshot(d, b -> { });
                } else {
                    reference.onDiff(d, b -> { });
                }
            }
            boolean synced = reference.state() == LocalBook.State.SYNCED && i > 60;
            if (diff && synced && held == null && previousDiffDelivered && r.nextInt(40) == 0) {
                previousDiffDelivered = false;
                if (r.nextBoolean()) {
                    gaps++; // dropped: the next diff finds a gap
                } else {
                    held = good; // delivered after the next diff: the next diff finds a gap
                    gaps++;
                }
                continue;
            }
            if (!diff && !good.text().startsWith("{\"lastUpdateId\"") && r.nextInt(10) < 3) {
                // a malformed frame in place of a good one
                Mutated mu = mutate(good.text(), r);
                long errors = m.counter("parse_errors");
                long skipped = m.counter("skipped_kinds");
                long byReason = sum(m, "parse_errors_by_reason.");
                long byStream = sum(m, "parse_errors_by_stream.");
                int emitted = out.size();
                h.onRaw(new RawMessage(good.receivedNanos(), mu.text()));
                frames++;
                malformed++;
                if (mu.expect().equals("skipped")) {
                    assertThat(m.counter("skipped_kinds")).as(mu.text()).isEqualTo(skipped + 1);
                    assertThat(m.counter("parse_errors")).as(mu.text()).isEqualTo(errors);
                } else {
                    assertThat(m.counter("parse_errors")).as(mu.text()).isEqualTo(errors + 1);
                    assertThat(sum(m, "parse_errors_by_reason.")).as(mu.text()).isEqualTo(byReason + 1);
                    assertThat(sum(m, "parse_errors_by_stream.")).as(mu.text()).isEqualTo(byStream + 1);
                    assertThat(m.counter("parse_errors_by_reason." + mu.expect()) > 0).as(mu.expect() + ": " + mu.text()).isTrue();
                    expected.merge(mu.expect(), 1L, Long::sum);
                }
                assertThat(out).as(mu.text()).hasSize(emitted);
                continue;
            }
            long resyncs = m.counter("book_resyncs");
            previousDiffDelivered |= diff;
            h.onRaw(good);
            frames++;
            if (held != null && diff) {
                h.onRaw(held);
                frames++;
                held = null;
            }
            if (m.counter("book_resyncs") > resyncs) {
                // the gap was seen: a fresh snapshot of the true book (as the REST client or the emulator sends)
                double[][] top = reference.top(1_000);
                h.onRaw(new RawMessage(good.receivedNanos(), snapshot(reference.lastUpdateId(), top)));
                frames++;
                assertThat(h.bookStates().get("BTCUSDT").toString()).as("synced after the snapshot following gap %d", gaps)
                        .contains("state=synced");
            }
            if (diff && !out.isEmpty() && out.get(out.size() - 1) instanceof BookDepth b
                    && reference.state() == LocalBook.State.SYNCED && b.updateId() == reference.lastUpdateId()) {
                double[][] top = reference.top(5);
                assertThat(b.bidPrices()).isEqualTo(top[0]);
                assertThat(b.askQuantities()).isEqualTo(top[3]);
                checkedBooks++;
            }
        }
        assertThat(malformed).isGreaterThanOrEqualTo(1_000);
        assertThat(gaps).isGreaterThanOrEqualTo(10);
        assertThat(m.counter("book_resyncs")).isEqualTo(gaps);
        assertThat(checkedBooks).isGreaterThan(500);
        assertThat(m.counter("book_crossed") + m.counter("book_locked")).isZero();
        Map<String, Long> byReason = m.with("parse_errors_by_reason.");
        assertThat(byReason).isEqualTo(expected);
        assertThat(byReason.keySet()).allMatch(k -> Arrays.asList(REASONS).contains(k));
        assertThat(frames).as("every line of the data in use (20,000 in full, fewer in the fixture) went through")
                .isGreaterThanOrEqualTo(head.size() - gaps);
    }

    static String snapshot(long lastUpdateId, double[][] top) {
        StringBuilder b = new StringBuilder("{\"stream\":\"btcusdt@depthSnapshot\",\"data\":{\"lastUpdateId\":")
                .append(lastUpdateId).append(",\"E\":0,\"bids\":[");
        levels(b, top[0], top[1]);
        b.append("],\"asks\":[");
        levels(b, top[2], top[3]);
        return b.append("]}}").toString();
    }

    private static void levels(StringBuilder b, double[] px, double[] q) {
        for (int i = 0; i < px.length; i++) {
            b.append(i == 0 ? "" : ",").append("[\"").append(java.math.BigDecimal.valueOf(px[i]).toPlainString())
                    .append("\",\"").append(java.math.BigDecimal.valueOf(q[i]).toPlainString()).append("\"]");
        }
    }

    @Test
    void damagedCapturesNeverCrashTheReaderAndEveryLineIsAccountedFor() throws Exception {
        List<RawMessage> head = SharedData.head(SharedData.ETH, 3_000);
        SplittableRandom r = new SplittableRandom(SEED + 1);
        int refused = 0;
        int replayed = 0;
        long lines = 0;
        for (int n = 0; n < 120; n++) {
            int from = r.nextInt(2_000);
            List<String> ls = new ArrayList<>();
            for (RawMessage msg : head.subList(from, from + 200 + r.nextInt(800))) {
                ls.add(CaptureReader.formatLine(msg));
            }
            int kind = r.nextInt(8);
            long badLines = 0;
            switch (kind) {
                case 0 -> { // garbage lines
                    for (int k = 0; k < 1 + r.nextInt(20); k++) {
                        ls.set(r.nextInt(ls.size()), "garbage " + r.nextInt());
                        badLines++;
                    }
                }
                case 1 -> { // far receive times
                    for (int k = 0; k < 1 + r.nextInt(20); k++) {
                        int at = r.nextInt(ls.size());
                        String l = ls.get(at);
                        ls.set(at, (r.nextBoolean() ? "4102444800000000000" : "9223372036854775807") + l.substring(l.indexOf(' ')));
                    }
                }
                case 2 -> java.util.Collections.shuffle(ls.subList(0, ls.size() / 3), new java.util.Random(r.nextLong()));
                case 3 -> ls.replaceAll(l -> Long.parseLong(l.substring(0, l.indexOf(' '))) / 1_000 + l.substring(l.indexOf(' ')));
                case 4 -> ls.clear(); // empty
                case 5 -> ls.replaceAll(l -> "plain text, no capture");
                default -> { }
            }
            Path f = tmp.resolve("ethusdt_" + n + ".gz");
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
                for (String l : ls) {
                    o.write((l + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            if (kind == 6 || kind == 7) { // truncated or corrupted inside
                byte[] bytes = Files.readAllBytes(f);
                if (kind == 6) {
                    bytes = Arrays.copyOf(bytes, 20 + r.nextInt(bytes.length - 20));
                } else {
                    bytes[20 + r.nextInt(bytes.length - 40)] ^= (byte) (1 + r.nextInt(255));
                }
                Files.write(f, bytes);
            }
            lines += ls.size();
            TestMetrics m = new TestMetrics();
            Harvester h = new Harvester(m, e -> { }, 65_536, 5);
            try (CaptureReplay replay = new CaptureReplay(new CaptureReplay.Options(List.of(f), List.of(), Map.of(), false, 0))) {
                long delivered = 0;
                RawMessage msg;
                while ((msg = replay.next()) != null) {
                    h.onRaw(msg);
                    delivered++;
                }
                Map<String, Object> d = replay.describe();
                @SuppressWarnings("unchecked")
                Map<String, Object> file = ((List<Map<String, Object>>) d.get("files")).get(0);
                long read = (Long) file.get("lines");
                // every line read is delivered, malformed or out of range; a truncation is a warning
                assertThat(delivered + (Long) d.get("malformed_lines") + (Long) d.get("out_of_range_lines")
                        + (Long) d.get("unattributed_snapshots")).as(f + " " + d).isEqualTo(read);
                if (kind == 0) {
                    assertThat((Long) d.get("malformed_lines")).isGreaterThanOrEqualTo(1);
                }
                if (kind <= 3) {
                    assertThat(read).isEqualTo(ls.size());
                }
                if (read < ls.size()) {
                    assertThat(replay.warnings()).as(f.toString()).singleElement().asString().contains(f.getFileName().toString());
                }
                replayed++;
            } catch (CaptureFileException e) {
                assertThat(e.getMessage()).contains(f.getFileName().toString()).doesNotContain("\n");
                assertThat(kind).as(e.getMessage()).isIn(4, 5, 6, 7);
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(10);
        assertThat(replayed).isGreaterThan(60);
        assertThat(lines).isGreaterThan(10_000);
    }
}
