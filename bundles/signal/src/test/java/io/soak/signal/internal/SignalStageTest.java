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
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignalStageTest {

    private static final long T0 = 1_723_161_256_000L;
    private long seq;

    private void send(SignalStage s, FakeStageContext c, Object payload, long receivedNanos) {
        c.setNanos(receivedNanos);
        s.handle(new Envelope(Topics.MARKET, ++seq, receivedNanos, payload));
    }

    @Test
    void keepsSymbolsApartAndReportsHealthFactsFromTheEngineClock() {
        FakeStageContext c = new FakeStageContext(Map.of(), 1L, null);
        SignalStage s = new SignalStage();
        s.start(c);
        send(s, c, new BookTicker("BTCUSDT", "btcusdt@bookTicker", 1, 60_000, 1, 60_000.1, 1, T0, T0, T0 * 1_000_000L),
                T0 * 1_000_000L);
        send(s, c, new Trade("BTCUSDT", "btcusdt@trade", 1, 60_000.1, 0.5, false, T0, T0, T0 * 1_000_000L),
                T0 * 1_000_000L);
        send(s, c, new Trade("ETHUSDT", "ethusdt@trade", 1, 2_500, 2.0, true, T0, T0, T0 * 1_000_000L),
                T0 * 1_000_000L);

        assertThat(s.symbol("BTCUSDT").cvd()).isEqualTo(0.5);
        assertThat(s.symbol("ETHUSDT").cvd()).isEqualTo(-2.0);
        Decision eth = c.emitted(Topics.DECISION, Decision.class).get(1);
        assertThat(eth.symbol()).isEqualTo("ETHUSDT");
        assertThat(eth.guardReasons()).contains("stale_book"); // BTC's book is not ETH's
        assertThat(c.metricsImpl().counter("decisions")).isEqualTo(2);
        assertThat(c.metricsImpl().counter("symbol_decisions.ETHUSDT")).isEqualTo(1);
        assertThat(c.metricsImpl().counter("symbol_guard.ETHUSDT:warmup")).isEqualTo(1);

        c.setNanos((T0 + 1_500) * 1_000_000L);
        Map<String, Object> facts = s.health().facts();
        assertThat(facts.get("last_decision_age_ms")).isEqualTo(Map.of("BTCUSDT", 1_500L, "ETHUSDT", 1_500L));
        assertThat(facts.get("warmup")).isEqualTo(Map.of("BTCUSDT", true, "ETHUSDT", true));
        assertThat(facts.get("decisions")).isEqualTo(2L);
    }

    @Test
    void restoreRejectsAForeignSnapshot() {
        SignalStage s = new SignalStage();
        s.start(new FakeStageContext(Map.of(), 1L, null));
        assertThatThrownBy(() -> s.restore(new byte[] {0, 3, 'a', 'b', 'c', 0, 0, 0, 1}))
                .isInstanceOf(IOException.class).hasMessageContaining("not a signal snapshot");
    }

    @Test
    void badConfigurationNamesTheKey() {
        SignalStage s = new SignalStage();
        assertThatThrownBy(() -> s.start(new FakeStageContext(Map.of("z.warmup", 500), 1L, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signal.z.warmup");
        assertThatThrownBy(() -> s.start(new FakeStageContext(Map.of("z.window", "many"), 1L, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("z.window");
    }

    @Test
    void scenarioOverridesReachTheStage() {
        FakeStageContext c = new FakeStageContext(Map.of("decision.interval_ms", 1000, "z.warmup", 2), 1L, null);
        SignalStage s = new SignalStage();
        s.start(c);
        for (long dt : new long[] {0, 500, 999, 1000}) {
            send(s, c, new Trade("BTCUSDT", "btcusdt@trade", dt, 1, 1, false, T0 + dt, T0 + dt, (T0 + dt) * 1_000_000L),
                    (T0 + dt) * 1_000_000L);
        }
        assertThat(c.emitted(Topics.DECISION, Decision.class)).extracting(Decision::tsMs).containsExactly(T0, T0 + 1000);
    }
}
