package io.soak.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.market.BookTicker;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Topics;
import io.soak.testing.fakes.FakeStageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-symbol snapshot of the broker (cluster mode): a symbol's book, orders, fills and position move with it;
 * a fresh instance restored from it trades that symbol exactly as the uninterrupted instance, and the account-wide
 * figures (invariants over every order and fill) are derived from what each instance holds.
 */
class BrokerPerSymbolStateTest {

    private static final long T0 = 1_723_161_256_000L;
    private static final Map<String, Object> CFG = Map.of("sample_rate", 0.5);

    private record Ev(long seq, Object payload) {
    }

    private static String symbolOf(Object p) {
        return p instanceof Decision d ? d.symbol() : ((BookTicker) p).symbol();
    }

    /** Tickers and decisions of AAA and BBB (seq = index + 1, as the engine numbers them). */
    private static List<Ev> events(int n) {
        Random r = new Random(5);
        String[] types = {"buy", "sell", "strong_buy", "strong_sell", "neutral"};
        List<Ev> out = new ArrayList<>();
        double a = 100;
        double b = 20;
        for (int i = 0; i < n; i++) {
            String sym = r.nextBoolean() ? "AAAUSDT" : "BBBUSDT";
            a += r.nextGaussian() * 0.1;
            b += r.nextGaussian() * 0.02;
            double px = sym.equals("AAAUSDT") ? a : b;
            long t = T0 + i * 100L;
            if (i % 2 == 0) {
                out.add(new Ev(i + 1, new BookTicker(sym, "x", i, px - 0.01, 1, px + 0.01, 1, t, t, t * 1_000_000L)));
            } else {
                String type = types[r.nextInt(types.length)];
                boolean confirm = !type.equals("neutral");
                out.add(new Ev(i + 1, new Decision(t, sym, 1, 1, 1, 1, 1, 0.1, "normal", confirm, type, List.of(),
                        type.startsWith("strong"))));
            }
        }
        return out;
    }

    private static void feed(BrokerStage s, List<Ev> events, Set<String> only) throws Exception {
        for (Ev e : events) {
            if (only == null || only.contains(symbolOf(e.payload()))) {
                s.handle(new Envelope(e.payload() instanceof Decision ? Topics.DECISION : Topics.MARKET, e.seq(),
                        T0 * 1_000_000L, e.payload()));
            }
        }
    }

    private static BrokerStage broker(FakeStageContext c) throws Exception {
        BrokerStage b = new BrokerStage();
        b.start(c);
        return b;
    }

    private static <T> List<T> of(FakeStageContext c, String topic, Class<T> type, String symbol) {
        return c.emitted(topic, type).stream().filter(x -> symbol.equals(x instanceof Order o ? o.symbol() : ((Fill) x).symbol()))
                .toList();
    }

    @Test
    void aFreshInstanceRestoredFromASymbolsSnapshotTradesAsTheUninterruptedOne() throws Exception {
        List<Ev> all = events(4000);
        FakeStageContext uc = new FakeStageContext(CFG, 7L, null);
        BrokerStage uninterrupted = broker(uc);
        feed(uninterrupted, all.subList(0, 2000), null);
        int ordersBefore = of(uc, Topics.ORDER, Order.class, "AAAUSDT").size();
        int fillsBefore = of(uc, Topics.FILL, Fill.class, "AAAUSDT").size();
        byte[] snap = uninterrupted.snapshotSymbols(Set.of("AAAUSDT"));
        feed(uninterrupted, all.subList(2000, 4000), null);
        List<Order> expectedOrders = of(uc, Topics.ORDER, Order.class, "AAAUSDT");
        List<Fill> expectedFills = of(uc, Topics.FILL, Fill.class, "AAAUSDT");
        assertThat(expectedOrders.size() - ordersBefore).isGreaterThan(100);

        FakeStageContext fc = new FakeStageContext(CFG, 7L, null);
        BrokerStage fresh = broker(fc);
        fresh.restoreSymbols(Set.of("AAAUSDT"), snap);
        feed(fresh, all.subList(2000, 4000), Set.of("AAAUSDT"));
        assertThat(fc.emitted(Topics.ORDER, Order.class)).isEqualTo(expectedOrders.subList(ordersBefore, expectedOrders.size()));
        assertThat(fc.emitted(Topics.FILL, Fill.class)).isEqualTo(expectedFills.subList(fillsBefore, expectedFills.size()));
        // the symbol's whole history came along: its position and the invariants over its orders and fills
        assertThat(fresh.orders()).isEqualTo(uninterrupted.orders().stream().filter(o -> o.symbol().equals("AAAUSDT")).toList());
        assertThat(fresh.snapshotSymbols(Set.of("AAAUSDT"))).isEqualTo(uninterrupted.snapshotSymbols(Set.of("AAAUSDT")));
        assertThat(fresh.positions().keySet()).containsExactly("AAAUSDT");
        assertThat(fresh.publishInvariants()).allMatch(Invariants.Result::ok);
    }

    @Test
    void restoreReplacesTheGivenSymbolsAndLeavesTheOthers() throws Exception {
        List<Ev> all = events(3000);
        FakeStageContext sc = new FakeStageContext(CFG, 7L, null);
        BrokerStage source = broker(sc);
        feed(source, all.subList(0, 2000), null);
        byte[] snap = source.snapshotSymbols(Set.of("AAAUSDT"));

        FakeStageContext oc = new FakeStageContext(CFG, 7L, null);
        BrokerStage other = broker(oc);
        feed(other, all.subList(0, 600), null); // stale state of AAA, and BBB
        byte[] bbb = other.snapshotSymbols(Set.of("BBBUSDT"));
        other.restoreSymbols(Set.of("AAAUSDT"), snap);
        assertThat(other.snapshotSymbols(Set.of("AAAUSDT"))).isEqualTo(snap);
        assertThat(other.snapshotSymbols(Set.of("BBBUSDT"))).isEqualTo(bbb);
        assertThat(other.publishInvariants()).allMatch(Invariants.Result::ok);
        // a redelivered decision of a restored order is re-emitted, never executed twice
        long anOrder = other.orders().stream().filter(o -> o.symbol().equals("AAAUSDT")).findFirst().orElseThrow().orderId();
        int before = other.orders().size();
        Ev again = all.stream().filter(e -> e.seq() == anOrder).findFirst().orElseThrow();
        feed(other, List.of(again), null);
        assertThat(other.orders()).hasSize(before);
    }
}
