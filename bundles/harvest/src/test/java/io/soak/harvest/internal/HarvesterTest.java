package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.market.BookDepth;
import io.soak.api.market.MarketEvent;
import io.soak.api.market.Trade;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HarvesterTest {

    private final TestMetrics metrics = new TestMetrics();
    private final List<MarketEvent> out = new ArrayList<>();
    private final Harvester harvester = new Harvester(metrics, out::add, 65_536, 5);

    static SourceSpec captureSpec(boolean loop, String... files) {
        return new SourceSpec("capture", List.of(), List.of(), "", List.of(files), loop, Map.of(), Map.of(), Map.of());
    }

    @Test
    void replayOfBothRecordingsCountsEveryStreamAsTheDataReadmeSays() throws Exception {
        SourceSpec spec = captureSpec(false, SharedData.file(SharedData.BTC).toString(), SharedData.file(SharedData.ETH).toString());
        try (ReplayFeed feed = new CaptureReplayFeedFactory().open(spec, 1)) {
            RawMessage m;
            while ((m = feed.next()) != null) {
                harvester.onRaw(m);
            }
        }
        // full recordings: btcusdt@bookTicker 66,089, @trade 21,313, @depth@0ms 6,551, ethusdt 53,992 / 14,076 /
        // 6,586, one snapshot each (the data README); the fixture: its README's figures
        assertThat(metrics.with("messages_per_stream.")).containsExactlyInAnyOrderEntriesOf(
                SharedData.perStream(SharedData.BTC, SharedData.ETH));
        assertThat(metrics.counter("parse_errors")).isZero();
        assertThat(metrics.counter("duplicates")).isZero();
        assertThat(metrics.counter("book_resyncs")).isZero();
        assertThat(harvester.bookStates()).containsKeys("BTCUSDT", "ETHUSDT");
        assertThat(harvester.bookStates().toString()).doesNotContain("unsynced");
        // a diff book is emitted after every applied diff; books are sane (bid below ask)
        List<BookDepth> books = out.stream().filter(e -> e instanceof BookDepth).map(e -> (BookDepth) e).toList();
        long diffs = SharedData.counts(SharedData.BTC).stream("btcusdt@depth@0ms")
                + SharedData.counts(SharedData.ETH).stream("ethusdt@depth@0ms");
        assertThat(books).hasSizeGreaterThan((int) diffs - 150); // all but the diffs before each snapshot
        assertThat(books).allSatisfy(b -> assertThat(b.bidPrices()[0]).isLessThan(b.askPrices()[0]));
        assertThat(harvester.lag().count()).isEqualTo(SharedData.streamMessages(SharedData.BTC, SharedData.ETH));
        assertThat(harvester.lag().percentile(0.5)).isBetween(-2_000L, 0L);
    }

    @Test
    void loopedReplayKeepsTheBookInSyncAndSeesNoDuplicates() throws Exception {
        SourceSpec spec = captureSpec(true, SharedData.file(SharedData.ETH).toString());
        try (ReplayFeed feed = new CaptureReplayFeedFactory().open(spec, 1)) {
            for (long i = 0; i < SharedData.counts(SharedData.ETH).lines() * 2 + 500; i++) {
                harvester.onRaw(feed.next());
            }
            assertThat(feed.describe()).containsEntry("loops", 2);
        }
        assertThat(metrics.counter("duplicates")).isZero();
        assertThat(metrics.counter("book_resyncs")).isZero();
        assertThat(metrics.counter("messages_per_stream.ethusdt@trade")).isGreaterThanOrEqualTo(
                SharedData.counts(SharedData.ETH).stream("ethusdt@trade") * 2);
        assertThat(metrics.counter("messages_per_stream.ethusdt@depth@0ms")).isGreaterThanOrEqualTo(
                SharedData.counts(SharedData.ETH).stream("ethusdt@depth@0ms") * 2);
        assertThat(metrics.counter("messages_per_stream.ethusdt@depthSnapshot")).isEqualTo(3);
    }

    @Test
    void countsARepeatedTradeAsDuplicateAndEmitsItOnce() throws Exception {
        RawMessage t = SharedData.first(SharedData.BTC, "\"btcusdt@trade\"");
        harvester.onRaw(t);
        harvester.onRaw(t);
        assertThat(metrics.counter("duplicates")).isEqualTo(1);
        assertThat(out).hasSize(1).first().isInstanceOf(Trade.class);
        assertThat(metrics.counter("messages_per_stream.btcusdt@trade")).isEqualTo(2);
    }

    @Test
    void countsAndKeepsMalformedLinesWithoutThrowing() {
        harvester.onRaw(new RawMessage(1, "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"tra"));
        harvester.onRaw(new RawMessage(2, "x".repeat(1000)));
        assertThat(metrics.counter("parse_errors")).isEqualTo(2);
        assertThat(harvester.lastErrors()).hasSize(2);
        assertThat(harvester.lastErrors().get(1).get("text").toString()).hasSizeLessThanOrEqualTo(Harvester.ERROR_LINE_CHARS + 1);
        assertThat(out).isEmpty();
    }

    @Test
    void syncsTheDiffBookFromTheSnapshotUsingDiffsThatArrivedBeforeIt() throws Exception {
        // the first 56 btc lines: diffs, then the snapshot (line 55), then the next diff
        for (RawMessage m : SharedData.head(SharedData.BTC, 57)) {
            harvester.onRaw(m);
        }
        assertThat(harvester.bookStates().get("BTCUSDT").toString()).contains("state=synced");
        assertThat(metrics.counter("book_unsynced_diffs")).isPositive();
        assertThat(metrics.counter("book_resyncs")).isZero();
        assertThat(out.stream().filter(e -> e instanceof BookDepth)).isNotEmpty();
    }

    @Test
    void aGapInTheDiffChainResyncsTheBookUntilTheNextSnapshot() throws Exception {
        List<RawMessage> head = SharedData.head(SharedData.BTC, 400);
        List<RawMessage> diffs = head.stream().filter(m -> m.text().contains("@depth@0ms")).toList();
        RawMessage snapshot = head.stream().filter(m -> m.text().contains("lastUpdateId")).findFirst().orElseThrow();
        int skipped = 0;
        for (RawMessage m : head) {
            // drop one diff well after the snapshot: the next diff's pu no longer matches
            if (m == diffs.get(diffs.size() - 5)) {
                skipped++;
                continue;
            }
            harvester.onRaw(m);
        }
        assertThat(skipped).isEqualTo(1);
        assertThat(metrics.counter("book_resyncs")).isEqualTo(1);
        assertThat(harvester.bookStates().get("BTCUSDT").toString()).contains("state=unsynced");
        long booksBefore = out.stream().filter(e -> e instanceof BookDepth).count();
        // an old snapshot that the diffs kept since the gap do not bridge cannot sync the book: another resync,
        // no book emitted from it
        harvester.onRaw(new RawMessage(snapshot.receivedNanos(), snapshot.text()));
        assertThat(metrics.counter("book_resyncs")).isEqualTo(2);
        assertThat(harvester.bookStates().get("BTCUSDT").toString()).contains("state=unsynced");
        assertThat(out.stream().filter(e -> e instanceof BookDepth).count()).isEqualTo(booksBefore);
    }

    @Test
    void aSnapshotCarriesDedupeAndTheSyncedBookToANewInstance() throws Exception {
        List<RawMessage> head = SharedData.head(SharedData.BTC, 2_000);
        for (RawMessage m : head.subList(0, 1_000)) {
            harvester.onRaw(m);
        }
        TestMetrics metrics2 = new TestMetrics();
        List<MarketEvent> out2 = new ArrayList<>();
        Harvester next = new Harvester(metrics2, out2::add, 65_536, 5);
        next.restore(harvester.snapshot());
        assertThat(next.bookStates()).isEqualTo(harvester.bookStates());
        RawMessage seenTrade = head.subList(0, 1_000).stream().filter(m -> m.text().contains("@trade")).findFirst().orElseThrow();
        next.onRaw(seenTrade);
        assertThat(metrics2.counter("duplicates")).isEqualTo(1);
        for (RawMessage m : head.subList(1_000, 2_000)) {
            next.onRaw(m);
        }
        assertThat(metrics2.counter("book_resyncs")).isZero();
        assertThat(next.bookStates().get("BTCUSDT").toString()).contains("state=synced");
        assertThat(out2.stream().filter(e -> e instanceof BookDepth)).isNotEmpty();
    }
}
