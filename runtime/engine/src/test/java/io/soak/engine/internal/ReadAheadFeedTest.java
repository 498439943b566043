package io.soak.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.capture.CaptureReplay;
import io.soak.testdata.TestData;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The parallel replay reader's hand-off: same messages in the same order as the feed read directly (a synthetic
 * feed across many small batches, and the shared recordings looped and aliased through {@link CaptureReplay}),
 * a feed failure thrown in place, the bound on how far the reader runs ahead, and a clean stop.
 */
class ReadAheadFeedTest {

    /** Messages 0..n-1 with increasing receive times; optionally fails after {@code failAfter} messages. */
    static final class Counting implements ReplayFeed {
        final long n;
        final long failAfter;
        final AtomicLong calls = new AtomicLong();
        final AtomicBoolean closed = new AtomicBoolean();

        Counting(long n, long failAfter) {
            this.n = n;
            this.failAfter = failAfter;
        }

        @Override
        public RawMessage next() throws IOException {
            long i = calls.getAndIncrement();
            if (i == failAfter) {
                throw new IOException("disk gone at message " + i);
            }
            return i < n ? new RawMessage(1_000_000_000L + i, "m" + i) : null;
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("messages", calls.get());
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static List<RawMessage> drain(ReplayFeed f, long max) throws IOException {
        List<RawMessage> out = new ArrayList<>();
        RawMessage m;
        while (out.size() < max && (m = f.next()) != null) {
            out.add(m);
        }
        return out;
    }

    @Test
    void deliversEveryMessageInFeedOrderAcrossManyBatchesThenNullForever() throws Exception {
        List<RawMessage> direct = drain(new Counting(100_003, -1), Long.MAX_VALUE);
        try (ReadAheadFeed ra = new ReadAheadFeed(new Counting(100_003, -1), 7, 2)) {
            assertThat(drain(ra, Long.MAX_VALUE)).containsExactlyElementsOf(direct);
            assertThat(ra.next()).isNull();
            assertThat(ra.next()).isNull();
            @SuppressWarnings("unchecked")
            Map<String, Object> d = (Map<String, Object>) ra.describe().get("read_ahead");
            assertThat(d).containsEntry("read", 100_003L).containsEntry("delivered", 100_003L);
        }
    }

    @Test
    void theRecordingsLoopedAndAliasedArriveAsTheSequentialReaderGivesThem() throws Exception {
        CaptureReplay.Options o = new CaptureReplay.Options(
                List.of(TestData.file(TestData.BTC), TestData.file(TestData.ETH)), List.of(),
                Map.of("SOLUSDT", "BTCUSDT", "XRPUSDT", "ETHUSDT"), true, 1_000_000_000L);
        // two and a half passes of the recordings (seam snapshots, shifted ids) through the hand-off
        long perPass = TestData.counts(TestData.BTC).lines() + TestData.counts(TestData.ETH).lines();
        long n = perPass * 5; // aliases double each pass
        // in lockstep (the passes do not fit in a test heap)
        try (ReplayFeed direct = feed(new CaptureReplay(o));
             ReadAheadFeed ra = new ReadAheadFeed(feed(new CaptureReplay(o)), 1024, 8)) {
            for (long i = 0; i < n; i++) {
                RawMessage a = direct.next();
                RawMessage b = ra.next();
                if (a == null || !a.equals(b)) {
                    throw new AssertionError("message " + i + " differs: " + a + " vs " + b);
                }
            }
            assertThat(ra.describe()).containsKeys("files", "loops", "read_ahead");
        }
    }

    @Test
    void aFeedFailureIsThrownAfterTheMessagesReadBeforeIt() throws Exception {
        try (ReadAheadFeed ra = new ReadAheadFeed(new Counting(1_000, 10), 4, 2)) {
            assertThat(drain(ra, 10)).hasSize(10);
            assertThatThrownBy(ra::next).isInstanceOf(IOException.class).hasMessage("disk gone at message 10");
        }
    }

    @Test
    void theReaderRunsAheadByAtMostTheBoundAndStopsOnClose() throws Exception {
        Counting feed = new Counting(Long.MAX_VALUE, -1); // a looped feed never ends
        ReadAheadFeed ra = new ReadAheadFeed(feed, 16, 3);
        assertThat(ra.next().text()).isEqualTo("m0");
        // the reader fills the queue (3 batches) and one more batch it cannot hand over; then it waits
        // (the batch taken by the driver, 3 in the queue, one filled and waiting for room); the batches grow
        // from 1 message (the first message is handed over at once): 1, then 2, 4, 8 queued, 16 waiting
        long bound = 1 + 2 + 4 + 8 + 16;
        await().atMost(Duration.ofSeconds(10)).until(() -> feed.calls.get() == bound
                && ((Long) readAhead(ra).get("reader_waits")) >= 1);
        ra.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !ra.readerThread().isAlive());
        assertThat(feed.closed).isTrue();
        assertThat(feed.calls.get()).isEqualTo(bound);
        // past the ramp the bound is batches + 2 full batches
        Counting steady = new Counting(Long.MAX_VALUE, -1);
        ReadAheadFeed ra2 = new ReadAheadFeed(steady, 4, 3);
        for (int i = 0; i < 200; i++) {
            ra2.next();
        }
        // the batch being consumed, 3 queued, 1 waiting: at most 5 full batches beyond the 200th message
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Long) readAhead(ra2).get("reader_waits")) >= 1
                && steady.calls.get() >= 200 + 4 * 3);
        Thread.sleep(100);
        assertThat(steady.calls.get()).isBetween(200L + 4 * 3, 200L + 4 * 5);
        ra2.close();
    }

    /** A raw-topic stage factory whose preparer tags every message with its name, its thread and the text. */
    private static io.soak.api.stage.StageFactory tagging(String tag, String failOn) {
        return new io.soak.api.stage.StageFactory() {
            public String kind() {
                return "harvest";
            }

            public java.util.Set<String> inputs() {
                return java.util.Set.of(io.soak.api.stage.Topics.RAW);
            }

            public java.util.Set<String> outputs() {
                return java.util.Set.of();
            }

            public io.soak.api.stage.Stage create() {
                throw new UnsupportedOperationException();
            }

            public io.soak.api.stage.Preparer preparer() {
                return m -> {
                    if (m.text().equals(failOn)) {
                        throw new IllegalStateException("cannot prepare " + m.text());
                    }
                    return tag + "/" + Thread.currentThread().getName() + "/" + m.text();
                };
            }
        };
    }

    @Test
    void theParserStagePreparesEveryMessageOnItsOwnThreadInFeedOrder() throws Exception {
        List<RawMessage> direct = drain(new Counting(50_001, -1), Long.MAX_VALUE);
        Object[] factory = {tagging("v1", "m20000")};
        RawPreparation prep = new RawPreparation("harvest", () -> factory[0]);
        try (ReadAheadFeed ra = new ReadAheadFeed(new ReadAheadFeed(new Counting(50_001, -1), 64, 2), 64, 2,
                ReadAheadFeed.PARSER_THREAD_NAME, prep)) {
            List<RawMessage> got = drain(ra, 25_000);
            factory[0] = tagging("v2", null); // a hot swap: the new version's preparer takes over
            got.addAll(drain(ra, Long.MAX_VALUE));
            assertThat(got).containsExactlyElementsOf(direct); // equality is receive time and text
            long v2 = 0;
            for (RawMessage m : got) {
                if (m.text().equals("m20000")) {
                    assertThat(m.prepared()).as("a preparer failure leaves the message unprepared").isNull();
                    continue;
                }
                assertThat((String) m.prepared()).matches("v[12]/soak-replay-parser/" + m.text());
                v2 += ((String) m.prepared()).startsWith("v2") ? 1 : 0;
            }
            // the parser stage reads at most 2 + 2 batches of 64 ahead of the swap
            assertThat(v2).isBetween(50_001L - 25_000 - 4 * 64, 50_001L - 25_000L);
            @SuppressWarnings("unchecked")
            Map<String, Object> parse = (Map<String, Object>) ra.describe().get("parse_ahead");
            assertThat(parse).containsEntry("thread", ReadAheadFeed.PARSER_THREAD_NAME).containsEntry("delivered", 50_001L);
            assertThat((Map<String, Object>) parse.get("prepared_by")).containsEntry("stage", "harvest")
                    .containsEntry("prepared", 50_000L).containsEntry("unprepared", 1L).containsEntry("failed", 1L)
                    .containsEntry("last_failure", "IllegalStateException: cannot prepare m20000");
            assertThat(ra.describe()).containsKey("read_ahead");
        }
    }

    @Test
    void aLoopedChainStopsBothThreadsOnClose() throws Exception {
        Counting feed = new Counting(Long.MAX_VALUE, -1);
        ReadAheadFeed reader = new ReadAheadFeed(feed, 16, 3);
        ReadAheadFeed parser = new ReadAheadFeed(reader, 16, 3, ReadAheadFeed.PARSER_THREAD_NAME,
                new RawPreparation("harvest", () -> tagging("v1", null)));
        assertThat(parser.next().prepared()).isEqualTo("v1/soak-replay-parser/m0");
        parser.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !parser.readerThread().isAlive()
                && !reader.readerThread().isAlive());
        assertThat(feed.closed).isTrue();
    }

    private static ReplayFeed feed(CaptureReplay r) {
        return r; // a CaptureReplay is a ReplayFeed
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readAhead(ReadAheadFeed ra) {
        return (Map<String, Object>) ra.describe().get("read_ahead");
    }
}
