package io.soak.broker.internal;

import io.soak.testing.fakes.FakeStageContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerStageTest {

    private static final long T0 = 1_723_161_256_000L;

    @TempDir
    Path runDir;

    private long marketSeq;

    private BrokerStage broker(FakeStageContext ctx) throws Exception {
        BrokerStage b = new BrokerStage();
        b.start(ctx);
        return b;
    }

    private FakeStageContext ctx(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new FakeStageContext(m, 7L, runDir);
    }

    private void ticker(BrokerStage b, String symbol, double bid, double ask) throws Exception {
        b.handle(new Envelope(Topics.MARKET, ++marketSeq, T0 * 1_000_000L,
                new BookTicker(symbol, symbol.toLowerCase() + "@bookTicker", marketSeq, bid, 1, ask, 1, T0, T0,
                        T0 * 1_000_000L)));
    }

    private static Decision decision(String symbol, String type) {
        boolean confirm = !type.equals("pending") && !type.equals("neutral");
        return new Decision(T0, symbol, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1, "normal", confirm, type,
                confirm ? List.of() : List.of("low_consistency"), type.startsWith("strong"));
    }

    private static void decide(BrokerStage b, long seq, Decision d) throws Exception {
        b.handle(new Envelope(Topics.DECISION, seq, T0 * 1_000_000L, d));
    }

    @Test
    void fillsAtEachSymbolsOwnBookPlusSlippageWithTakerFee() throws Exception {
        FakeStageContext c = ctx();
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 60_000.0, 60_000.1);
        ticker(b, "ETHUSDT", 2_500.0, 2_500.2);
        decide(b, 1, decision("BTCUSDT", "strong_buy"));
        decide(b, 2, decision("ETHUSDT", "strong_sell"));

        List<Fill> fills = c.emitted(Topics.FILL, Fill.class);
        assertThat(fills).hasSize(2);
        Fill btc = fills.get(0);
        assertThat(btc.symbol()).isEqualTo("BTCUSDT");
        assertThat(btc.side()).isEqualTo("buy");
        assertThat(btc.bookPrice()).isEqualTo(60_000.1);
        assertThat(btc.price()).isCloseTo(60_000.1 * 1.0001, within(1e-9));
        assertThat(btc.quantity() * btc.price()).isCloseTo(100.0, within(1e-9));
        assertThat(btc.fee()).isCloseTo(100.0 * 0.0002, within(1e-12));
        Fill eth = fills.get(1);
        assertThat(eth.side()).isEqualTo("sell");
        assertThat(eth.bookPrice()).isEqualTo(2_500.0);
        assertThat(eth.price()).isCloseTo(2_500.0 * 0.9999, within(1e-9));
        assertThat(c.emitted(Topics.ORDER, Order.class)).extracting(Order::status).containsExactly("filled", "filled");
        assertThat(c.emitted(Topics.ORDER, Order.class)).extracting(Order::decisionSeq).containsExactly(1L, 2L);
    }

    @Test
    void usesDepthLevelZeroWhenThatIsTheLatestBook() throws Exception {
        FakeStageContext c = ctx();
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 60_000.0, 60_000.1);
        b.handle(new Envelope(Topics.MARKET, ++marketSeq, 0, new BookDepth("BTCUSDT", "btcusdt@depth@0ms", 1,
                new double[] {61_000.0, 60_999.0}, new double[] {1, 1}, new double[] {61_000.5, 61_001.0},
                new double[] {1, 1}, T0, T0 * 1_000_000L)));
        decide(b, 1, decision("BTCUSDT", "strong_sell"));
        assertThat(c.emitted(Topics.FILL, Fill.class).get(0).bookPrice()).isEqualTo(61_000.0);
    }

    @Test
    void rejectsWithNoBookWhenTheSymbolHasNoneEvenIfAnotherHas() throws Exception {
        FakeStageContext c = ctx();
        BrokerStage b = broker(c);
        ticker(b, "ETHUSDT", 2_500.0, 2_500.2);
        decide(b, 5, decision("BTCUSDT", "strong_buy"));
        List<Order> orders = c.emitted(Topics.ORDER, Order.class);
        assertThat(orders).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("rejected");
            assertThat(o.reason()).isEqualTo("no_book");
        });
        assertThat(c.emitted(Topics.FILL, Fill.class)).isEmpty();
        assertThat(c.metricsImpl().counter("rejected")).isEqualTo(1);
        assertThat(c.metricsImpl().counter("orders")).isEqualTo(1);
    }

    @Test
    void rejectsWithCrossedBookInsteadOfFillingOnACrossedOrLockedBook() throws Exception {
        FakeStageContext c = ctx();
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 60_010.0, 60_000.0); // best bid above best ask
        decide(b, 1, decision("BTCUSDT", "strong_buy"));
        ticker(b, "BTCUSDT", 60_000.0, 60_000.0); // locked
        decide(b, 2, decision("BTCUSDT", "strong_sell"));
        ticker(b, "BTCUSDT", 60_000.0, 60_000.1); // sane again
        decide(b, 3, decision("BTCUSDT", "strong_sell"));
        List<Order> orders = c.emitted(Topics.ORDER, Order.class);
        assertThat(orders).extracting(Order::status).containsExactly("rejected", "rejected", "filled");
        assertThat(orders).extracting(Order::reason).containsExactly("crossed_book", "crossed_book", "");
        assertThat(c.emitted(Topics.FILL, Fill.class)).singleElement().satisfies(f -> assertThat(f.orderId()).isEqualTo(3));
        assertThat(c.metricsImpl().counter("rejected_crossed_book")).isEqualTo(2);
        assertThat(b.publishInvariants()).allMatch(Invariants.Result::ok);
    }

    @Test
    void ignoresDecisionsThatAreNotConfirmed() throws Exception {
        FakeStageContext c = ctx("sample_rate", 1.0);
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 60_000.0, 60_000.1);
        decide(b, 1, decision("BTCUSDT", "pending"));
        decide(b, 2, decision("BTCUSDT", "neutral"));
        assertThat(c.emitted()).isEmpty();
    }

    @Test
    void samplesPlainDecisionsDeterministicallyFromSeedAndDecisionSeq() throws Exception {
        List<Long> first = actedSeqs(7L, 1, 1_000);
        List<Long> again = actedSeqs(7L, 1, 1_000);
        List<Long> otherSeed = actedSeqs(8L, 1, 1_000);
        assertThat(first).isEqualTo(again);
        assertThat(first).isNotEqualTo(otherSeed);
        assertThat(first.size()).isBetween(150, 250); // rate 0.2
        // a restarted instance that sees only the second half draws the same for it
        List<Long> secondHalf = actedSeqs(7L, 501, 1_000);
        assertThat(secondHalf).isEqualTo(first.stream().filter(s -> s >= 501).toList());
        // strong decisions are never sampled out
        FakeStageContext c = new FakeStageContext(Map.of("sample_rate", 0.0), 7L, null);
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 1.0, 1.1);
        decide(b, 1, decision("BTCUSDT", "strong_buy"));
        decide(b, 2, decision("BTCUSDT", "buy"));
        assertThat(c.emitted(Topics.ORDER, Order.class)).extracting(Order::signalType).containsExactly("strong_buy");
    }

    private List<Long> actedSeqs(long seed, long from, long to) throws Exception {
        FakeStageContext c = new FakeStageContext(Map.of(), seed, null);
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 100.0, 100.1);
        for (long s = from; s <= to; s++) {
            decide(b, s, decision("BTCUSDT", s % 2 == 0 ? "buy" : "sell"));
        }
        return c.emitted(Topics.ORDER, Order.class).stream().map(Order::decisionSeq).toList();
    }

    @Test
    void tracksPositionAveragePriceRealisedUnrealisedAndFees() throws Exception {
        FakeStageContext c = ctx();
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 99.9, 100.0);
        decide(b, 1, decision("BTCUSDT", "strong_buy"));
        ticker(b, "BTCUSDT", 110.0, 110.1);
        decide(b, 2, decision("BTCUSDT", "strong_sell"));
        ticker(b, "BTCUSDT", 120.0, 120.2);

        Position p = b.positions().get("BTCUSDT");
        double buyPrice = 100.0 * 1.0001;
        double buyQty = 100.0 / buyPrice;
        double sellPrice = 110.0 * 0.9999;
        double sellQty = 100.0 / sellPrice;
        // sold less than bought (higher price): long remainder at the buy price
        assertThat(p.quantity).isCloseTo(buyQty - sellQty, within(1e-12));
        assertThat(p.averagePrice).isCloseTo(buyPrice, within(1e-9));
        assertThat(p.realised).isCloseTo(sellQty * (sellPrice - buyPrice), within(1e-9));
        assertThat(p.fees).isCloseTo(0.04, within(1e-12));
        assertThat(p.unrealised()).isCloseTo((buyQty - sellQty) * (120.1 - buyPrice), within(1e-9));
    }

    @Test
    void averageCostAccountingAcrossAFlip() {
        Position p = new Position();
        p.apply(1, 100, 0);
        p.apply(1, 110, 0);
        assertThat(p.averagePrice).isEqualTo(105.0);
        p.apply(-1.5, 120, 0);
        assertThat(p.realised).isCloseTo(22.5, within(1e-12));
        assertThat(p.quantity).isCloseTo(0.5, within(1e-12));
        p.apply(-1, 100, 0);
        assertThat(p.realised).isCloseTo(22.5 - 2.5, within(1e-12));
        assertThat(p.quantity).isCloseTo(-0.5, within(1e-12));
        assertThat(p.averagePrice).isEqualTo(100.0);
        p.apply(0.5, 90, 0);
        assertThat(p.quantity).isZero();
        assertThat(p.realised).isCloseTo(20.0 + 5.0, within(1e-12));
    }

    @Test
    void invariantsHoldAndAreRecordedAtStop() throws Exception {
        FakeStageContext c = ctx("sample_rate", 1.0);
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 60_000.0, 60_000.1);
        ticker(b, "ETHUSDT", 2_500.0, 2_500.2);
        for (int s = 1; s <= 20; s++) {
            decide(b, s, decision(s % 3 == 0 ? "ETHUSDT" : "BTCUSDT", s % 2 == 0 ? "buy" : "strong_sell"));
            ticker(b, "BTCUSDT", 60_000.0 + s, 60_000.1 + s);
        }
        decide(b, 21, decision("SOLUSDT", "buy")); // no book: rejected
        b.stop();
        var facts = c.metricsImpl().facts();
        assertThat(facts.get("invariants_ok")).isEqualTo(true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> inv = (List<Map<String, Object>>) facts.get("invariants");
        assertThat(inv).extracting(m -> m.get("name")).contains("position_equals_fill_sum",
                "realised_pnl_recomputed", "fees_recomputed", "no_order_twice", "no_fill_without_order",
                "every_intent_has_outcome", "fills_priced_from_own_book");
        assertThat(facts.get("positions")).isInstanceOf(Map.class);
        assertThat(c.metricsImpl().counter("orders")).isEqualTo(21);
        assertThat(c.metricsImpl().counter("fills")).isEqualTo(20);
    }

    @Test
    void invariantsDetectACorruptedPosition() throws Exception {
        FakeStageContext c = ctx();
        BrokerStage b = broker(c);
        ticker(b, "BTCUSDT", 60_000.0, 60_000.1);
        decide(b, 1, decision("BTCUSDT", "strong_buy"));
        b.positions().get("BTCUSDT").quantity += 0.001;
        List<Invariants.Result> r = b.publishInvariants();
        assertThat(r).filteredOn(x -> !x.ok()).extracting(Invariants.Result::name)
                .containsExactly("position_equals_fill_sum");
        assertThat(c.metricsImpl().factValue("invariants_ok")).isEqualTo(false);
    }

    @Test
    void invariantsDetectAFillWithoutOrderAndAnOrderTwice() {
        BrokerConfig cfg = BrokerConfig.defaults();
        Order o = new Order(1, T0, "BTCUSDT", "buy", 100, "strong_buy", 1, "filled", "");
        Fill orphan = new Fill(2, T0, "BTCUSDT", "buy", 1, 100 * 1.0001, 0.02, 100);
        Position p = new Position();
        p.apply(1, 100 * 1.0001, 0.02);
        List<Invariants.Result> r = Invariants.check(List.of(o, o), List.of(orphan), Map.of("BTCUSDT", p), cfg);
        assertThat(r).filteredOn(x -> !x.ok()).extracting(Invariants.Result::name)
                .contains("no_order_twice", "no_fill_without_order");
    }

    @Test
    void newInstanceAfterAKillContinuesFromTheJournalAndNeverExecutesTwice() throws Exception {
        FakeStageContext c1 = ctx("sample_rate", 1.0);
        BrokerStage first = broker(c1);
        ticker(first, "BTCUSDT", 60_000.0, 60_000.1);
        decide(first, 1, decision("BTCUSDT", "strong_buy"));
        decide(first, 2, decision("BTCUSDT", "buy"));
        // killed here: no stop(); the engine's metrics survive and decision 2 is redelivered
        FakeStageContext c2 = new FakeStageContext(Map.of("sample_rate", 1.0), 7L, runDir, c1.metricsImpl());
        BrokerStage second = broker(c2);
        ticker(second, "BTCUSDT", 60_010.0, 60_010.1);
        decide(second, 2, decision("BTCUSDT", "buy"));
        decide(second, 3, decision("BTCUSDT", "strong_sell"));
        second.stop();

        List<Order> reemitted = c2.emitted(Topics.ORDER, Order.class);
        assertThat(reemitted).extracting(Order::orderId).containsExactly(2L, 3L);
        assertThat(reemitted.get(0)).isEqualTo(c1.emitted(Topics.ORDER, Order.class).get(1));
        assertThat(second.fills()).hasSize(3);
        assertThat(c2.metricsImpl().counter("orders")).isEqualTo(3);
        assertThat(c2.metricsImpl().factValue("invariants_ok")).isEqualTo(true);
        double expected = 2 * (100.0 / (60_000.1 * 1.0001)) - 100.0 / (60_010.0 * 0.9999);
        assertThat(second.positions().get("BTCUSDT").quantity).isCloseTo(expected, within(1e-12));
    }

    @Test
    void replaySkipsATornLastJournalLine() throws Exception {
        FakeStageContext c1 = ctx();
        BrokerStage first = broker(c1);
        ticker(first, "BTCUSDT", 60_000.0, 60_000.1);
        decide(first, 1, decision("BTCUSDT", "strong_buy"));
        Path journal = runDir.resolve("state").resolve("broker-test.journal");
        Files.writeString(journal, "1|2|171|BTC", java.nio.file.StandardOpenOption.APPEND);
        FakeStageContext c2 = new FakeStageContext(Map.of(), 7L, runDir, c1.metricsImpl());
        BrokerStage second = broker(c2);
        assertThat(second.orders()).hasSize(1);
        assertThat(c2.metricsImpl().counter("journal_skipped_lines")).isEqualTo(1);
    }

    @Test
    void snapshotRestoresTheWholeBookForAHotSwap() throws Exception {
        FakeStageContext c1 = new FakeStageContext(Map.of("sample_rate", 1.0), 7L, null);
        BrokerStage a = broker(c1);
        ticker(a, "BTCUSDT", 60_000.0, 60_000.1);
        ticker(a, "ETHUSDT", 2_500.0, 2_500.2);
        decide(a, 1, decision("BTCUSDT", "buy"));
        decide(a, 2, decision("ETHUSDT", "sell"));
        byte[] snap = a.snapshot().orElseThrow();
        FakeStageContext c2 = new FakeStageContext(Map.of("sample_rate", 1.0), 7L, null, c1.metricsImpl());
        BrokerStage b = broker(c2);
        b.restore(snap);
        assertThat(b.orders()).isEqualTo(a.orders());
        assertThat(b.fills()).isEqualTo(a.fills());
        assertThat(b.snapshot().orElseThrow()).isEqualTo(snap);
        // the book came along: no no_book rejection right after the swap
        decide(b, 3, decision("BTCUSDT", "sell"));
        assertThat(c2.emitted(Topics.ORDER, Order.class)).extracting(Order::status).containsExactly("filled");
        List<Invariants.Result> r = b.publishInvariants();
        assertThat(r).allMatch(Invariants.Result::ok);
        assertThat(new ArrayList<>(b.positions().keySet())).containsExactly("BTCUSDT", "ETHUSDT");
    }
}
