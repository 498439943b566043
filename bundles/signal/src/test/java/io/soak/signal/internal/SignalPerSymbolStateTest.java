package io.soak.signal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.market.BookTicker;
import io.soak.api.market.Trade;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Topics;
import io.soak.testing.fakes.FakeStageContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-symbol snapshot of the signal stage (cluster mode: a partition's symbols move between nodes through the
 * changelog): a fresh instance restored from another's snapshot of some symbols decides exactly as an instance
 * that saw every event, and the other symbols' state is left alone.
 */
class SignalPerSymbolStateTest {

    private static final long T0 = 1_723_161_256_000L;
    private static final Map<String, Object> CFG = Map.of("decision.interval_ms", 1000, "z.warmup", 5);

    /** Tickers and trades of AAA and BBB, 250 ms apart in event time, prices a seeded random walk. */
    private static List<Object> events(int n, long seed) {
        Random r = new Random(seed);
        double a = 100;
        double b = 20;
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = T0 + i * 250L;
            a += r.nextGaussian() * 0.05;
            b += r.nextGaussian() * 0.01;
            String sym = i % 2 == 0 ? "AAAUSDT" : "BBBUSDT";
            double px = i % 2 == 0 ? a : b;
            if (i % 3 == 0) {
                out.add(new BookTicker(sym, "x@bookTicker", i, px - 0.01, 1 + r.nextDouble(), px + 0.01, 1 + r.nextDouble(),
                        t, t, t * 1_000_000L));
            } else {
                out.add(new Trade(sym, "x@trade", i, px, 0.1 + r.nextDouble(), r.nextBoolean(), t, t, t * 1_000_000L));
            }
        }
        return out;
    }

    private static void feed(SignalStage s, FakeStageContext c, List<Object> events, Set<String> only) {
        long seq = 0;
        for (Object e : events) {
            String sym = e instanceof Trade t ? t.symbol() : ((BookTicker) e).symbol();
            long at = e instanceof Trade t ? t.eventTimeMs() : ((BookTicker) e).eventTimeMs();
            seq++;
            if (only != null && !only.contains(sym)) {
                continue;
            }
            c.setNanos(at * 1_000_000L);
            s.handle(new Envelope(Topics.MARKET, seq, at * 1_000_000L, e));
        }
    }

    private static List<Decision> decisionsOf(FakeStageContext c, String symbol) {
        return c.emitted(Topics.DECISION, Decision.class).stream().filter(d -> d.symbol().equals(symbol)).toList();
    }

    @Test
    void aFreshInstanceRestoredFromASymbolsSnapshotDecidesAsTheUninterruptedOne() throws Exception {
        List<Object> before = events(4000, 1);
        List<Object> after = events(8000, 1).subList(4000, 8000);

        FakeStageContext uc = new FakeStageContext(CFG, 1L, null);
        SignalStage uninterrupted = new SignalStage();
        uninterrupted.start(uc);
        feed(uninterrupted, uc, before, null);
        int decidedBefore = decisionsOf(uc, "AAAUSDT").size();
        byte[] snap = uninterrupted.snapshotSymbols(Set.of("AAAUSDT"));
        feed(uninterrupted, uc, after, null);
        List<Decision> expected = decisionsOf(uc, "AAAUSDT").subList(decidedBefore, decisionsOf(uc, "AAAUSDT").size());
        assertThat(expected).hasSizeGreaterThan(100);

        FakeStageContext fc = new FakeStageContext(CFG, 1L, null);
        SignalStage fresh = new SignalStage();
        fresh.start(fc);
        fresh.restoreSymbols(Set.of("AAAUSDT"), snap);
        assertThat(fresh.symbol("BBBUSDT")).as("only the snapshot's symbols").isNull();
        feed(fresh, fc, after, Set.of("AAAUSDT"));
        assertThat(decisionsOf(fc, "AAAUSDT")).isEqualTo(expected);
    }

    @Test
    void restoreReplacesTheGivenSymbolsStateAndLeavesTheOthers() throws Exception {
        List<Object> all = events(6000, 2);
        FakeStageContext uc = new FakeStageContext(CFG, 1L, null);
        SignalStage source = new SignalStage();
        source.start(uc);
        feed(source, uc, all.subList(0, 3000), null);
        byte[] snap = source.snapshotSymbols(Set.of("AAAUSDT", "CCCUSDT")); // CCC: nothing of it, left out

        // a node that held AAA long ago (stale state) and BBB now
        FakeStageContext sc = new FakeStageContext(CFG, 1L, null);
        SignalStage stale = new SignalStage();
        stale.start(sc);
        feed(stale, sc, all.subList(0, 1000), null);
        byte[] bbbBefore = stale.snapshotSymbols(Set.of("BBBUSDT"));
        stale.restoreSymbols(Set.of("AAAUSDT", "CCCUSDT"), snap);
        assertThat(stale.snapshotSymbols(Set.of("AAAUSDT"))).isEqualTo(source.snapshotSymbols(Set.of("AAAUSDT")));
        assertThat(stale.snapshotSymbols(Set.of("BBBUSDT"))).isEqualTo(bbbBefore);
        assertThat(stale.symbol("CCCUSDT")).isNull();
    }

    @Test
    void aForeignSnapshotIsRefusedAndChangesNothing() throws Exception {
        SignalStage s = new SignalStage();
        FakeStageContext c = new FakeStageContext(CFG, 1L, null);
        s.start(c);
        feed(s, c, events(100, 3), null);
        byte[] was = s.snapshotSymbols(Set.of("AAAUSDT", "BBBUSDT"));
        assertThatThrownBy(() -> s.restoreSymbols(Set.of("AAAUSDT"), s.snapshot().orElseThrow()))
                .isInstanceOf(IOException.class).hasMessageContaining("not a per-symbol signal snapshot");
        assertThat(s.snapshotSymbols(Set.of("AAAUSDT", "BBBUSDT"))).isEqualTo(was);
    }
}
