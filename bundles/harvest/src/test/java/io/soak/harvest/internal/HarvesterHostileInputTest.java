package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.MarketEvent;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11, market data items 1, 3, 4, 5, 7 at the harvester: bad values and times are counted by reason, books stay true. */
class HarvesterHostileInputTest {

    static final long T0 = 1_723_161_256_322L; // ms, the recordings' day
    private final TestMetrics metrics = new TestMetrics();
    private final List<MarketEvent> out = new ArrayList<>();
    private final Harvester harvester = new Harvester(metrics, out::add, 65_536, 5);

    static RawMessage trade(long id, String p, String q, long e) {
        return new RawMessage(T0 * 1_000_000L, "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":" + e
                + ",\"T\":" + e + ",\"s\":\"BTCUSDT\",\"t\":" + id + ",\"p\":\"" + p + "\",\"q\":\"" + q
                + "\",\"X\":\"MARKET\",\"m\":false}}");
    }

    static RawMessage ticker(String bid, String ask) {
        return new RawMessage(T0 * 1_000_000L, "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"e\":\"bookTicker\",\"u\":1,"
                + "\"s\":\"BTCUSDT\",\"b\":\"" + bid + "\",\"B\":\"1.0\",\"a\":\"" + ask + "\",\"A\":\"2.0\",\"T\":" + T0
                + ",\"E\":" + T0 + "}}");
    }

    @Test
    void nonFiniteNegativeAndZeroValuesAreParseErrorsCountedByReasonAndStream() {
        harvester.onRaw(trade(1, "NaN", "0.1", T0));
        harvester.onRaw(trade(2, "Infinity", "0.1", T0));
        harvester.onRaw(trade(3, "1e400", "0.1", T0));
        harvester.onRaw(trade(4, "-61800.1", "0.1", T0));
        harvester.onRaw(trade(5, "0", "0.1", T0));
        harvester.onRaw(trade(6, "61800.1", "-0.1", T0));
        harvester.onRaw(trade(7, "61800.1", "NaN", T0));
        harvester.onRaw(ticker("-Infinity", "61800.2"));
        harvester.onRaw(trade(8, "61800.1", "0.1", T0)); // the one good message
        assertThat(out).hasSize(1);
        assertThat(metrics.counter("parse_errors")).isEqualTo(8);
        assertThat(metrics.with("parse_errors_by_reason.")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "non_finite", 5L, "non_positive_price", 2L, "negative_quantity", 1L));
        assertThat(metrics.with("parse_errors_by_stream.")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "btcusdt@trade", 7L, "btcusdt@bookTicker", 1L));
    }

    @Test
    void anExchangeTimeFarFromTheReceiveTimeIsRejectedAndNeverEmitted() {
        harvester.onRaw(trade(1, "61800.1", "0.1", 4_102_444_800_000L)); // 2100
        harvester.onRaw(trade(2, "61800.1", "0.1", 0L));                 // 1970
        harvester.onRaw(trade(3, "61800.1", "0.1", T0 + 1_500));
        assertThat(out).hasSize(1);
        assertThat(metrics.counter("parse_errors_by_reason.time_out_of_range")).isEqualTo(2);
    }

    @Test
    void anUnknownStreamKindIsASkippedKindNotAParseError() {
        harvester.onRaw(new RawMessage(T0 * 1_000_000L, "{\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":"
                + "\"markPriceUpdate\",\"E\":" + T0 + ",\"s\":\"BTCUSDT\",\"p\":\"61800.1\"}}"));
        assertThat(metrics.counter("parse_errors")).isZero();
        assertThat(metrics.counter("skipped_kinds")).isEqualTo(1);
        assertThat(metrics.counter("skipped_kinds_by_kind.markPrice@1s")).isEqualTo(1);
        assertThat(out).isEmpty();
    }

    @Test
    void crossedAndLockedBooksAreCounted() {
        harvester.onRaw(ticker("61800.1", "61800.2"));
        harvester.onRaw(ticker("61800.3", "61800.2"));
        harvester.onRaw(ticker("61800.2", "61800.2"));
        assertThat(metrics.counter("book_crossed")).isEqualTo(1);
        assertThat(metrics.counter("book_locked")).isEqualTo(1);
        assertThat(out).hasSize(3).allMatch(e -> e instanceof BookTicker);
    }

    @Test
    void aLoopedReplayKeepsEveryBookTrueAcrossItsSeams() throws Exception {
        // BTC and ETH looped three times: every book the harvester emits is the book of pass 0 at the same
        // position (never crossed, no stale level surviving a seam), and every pass ends synced
        for (String file : List.of(SharedData.BTC, SharedData.ETH)) {
            TestMetrics m = new TestMetrics();
            List<BookDepth> books = new ArrayList<>();
            Harvester h = new Harvester(m, e -> {
                if (e instanceof BookDepth b) {
                    books.add(b);
                }
            }, 65_536, 5);
            long lines;
            try (ReplayFeed feed = new CaptureReplayFeedFactory().open(HarvesterTest.captureSpec(true,
                    SharedData.file(file).toString()), 1)) {
                lines = SharedData.counts(file).lines(); // one pass of the data in use (93,954 / 74,655 lines in full; fewer in the fixture)
                for (long i = 0; i < lines * 3; i++) {
                    h.onRaw(feed.next());
                }
            }
            assertThat(books.stream().filter(b -> b.bidPrices()[0] >= b.askPrices()[0]).count())
                    .as("%s crossed or locked books", file).isZero();
            int per = books.size() / 3;
            for (int i = 0; i < per; i++) {
                BookDepth a = books.get(i);
                for (int pass = 1; pass < 3; pass++) {
                    BookDepth b = books.get(pass * per + i);
                    assertThat(b.bidPrices()).as("%s book %d of pass %d", file, i, pass).isEqualTo(a.bidPrices());
                    assertThat(b.askQuantities()).as("%s book %d of pass %d", file, i, pass).isEqualTo(a.askQuantities());
                }
            }
            assertThat(books.size() % 3).as(file).isZero();
            assertThat(m.counter("book_crossed")).as(file).isZero();
            assertThat(m.counter("book_locked")).as(file).isZero();
            assertThat(m.counter("book_resyncs")).as(file).isZero();
            assertThat(m.counter("book_seams")).as(file).isEqualTo(2);
            assertThat(m.counter("book_passes_synced")).as(file).isEqualTo(2);
            assertThat(m.counter("duplicates")).as(file).isZero();
        }
    }
}
