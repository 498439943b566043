package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.source.RawMessage;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Topics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HarvestStageTest {

    static final long S = 1_000_000_000L;
    static final long T0 = 1_723_161_255L * S;

    static RawMessage trade(long recv, long id) {
        return new RawMessage(recv, "{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":" + recv / 1_000_000
                + ",\"a\":" + id + ",\"s\":\"BTCUSDT\",\"p\":\"1.0\",\"q\":\"1\",\"T\":" + recv / 1_000_000 + ",\"m\":false}}");
    }

    static RawMessage ticker(long recv, long id) {
        return new RawMessage(recv, "{\"stream\":\"btcusdt@bookTicker\",\"data\":{\"e\":\"bookTicker\",\"u\":" + id
                + ",\"s\":\"BTCUSDT\",\"b\":\"1.0\",\"B\":\"1\",\"a\":\"1.1\",\"A\":\"1\",\"T\":" + recv / 1_000_000
                + ",\"E\":" + recv / 1_000_000 + "}}");
    }

    @Test
    void detectsASilentTradeSubstreamPastItsTightenedLimitAndRemembersIt() {
        VirtualTime time = new VirtualTime(T0);
        TestMetrics metrics = new TestMetrics();
        TestStageContext ctx = new TestStageContext(time, metrics, Map.of("substream_timeout.trades_s", 10,
                "substream_timeout.book_s", 30));
        HarvestStage stage = new HarvestStage();
        stage.start(ctx);
        long seq = 0;
        // trades and tickers every second for 20 s, then only tickers for 20 s
        for (int i = 0; i < 40; i++) {
            long now = T0 + i * S;
            time.advanceTo(now);
            if (i < 20) {
                stage.handle(new Envelope(Topics.RAW, ++seq, now, trade(now, i)));
            }
            stage.handle(new Envelope(Topics.RAW, ++seq, now, ticker(now, i)));
        }
        assertThat(metrics.facts.get("substream_timeout_detected")).isEqualTo(true);
        @SuppressWarnings("unchecked")
        List<SubstreamMonitor.Timeout> list = (List<SubstreamMonitor.Timeout>) metrics.facts.get("substream_timeouts");
        assertThat(list).singleElement().satisfies(t -> {
            assertThat(t.substream()).isEqualTo("btcusdt@aggTrade");
            assertThat(t.silentForMs()).isBetween(10_000L, 12_000L);
            assertThat(t.limitMs()).isEqualTo(10_000L);
        });
        assertThat(stage.health().state()).isEqualTo(HealthState.DEGRADED);
        assertThat(stage.health().detail()).contains("btcusdt@aggTrade");
        assertThat(ctx.emitted).hasSize(60);

        // a new instance (restart) keeps the list and the flag, and the trade stream coming back makes it healthy
        HarvestStage restarted = new HarvestStage();
        restarted.start(ctx);
        time.advanceTo(T0 + 41 * S);
        restarted.handle(new Envelope(Topics.RAW, ++seq, T0 + 41 * S, trade(T0 + 41 * S, 100)));
        restarted.handle(new Envelope(Topics.RAW, ++seq, T0 + 41 * S, ticker(T0 + 41 * S, 100)));
        time.advanceTo(T0 + 45 * S);
        restarted.stop();
        assertThat(restarted.health().state()).isEqualTo(HealthState.HEALTHY);
        assertThat(metrics.facts.get("substream_timeout_detected")).isEqualTo(true);
        assertThat((List<?>) metrics.facts.get("substream_timeouts")).hasSize(1);
        assertThat(metrics.facts.get("receive_lag_ms")).isInstanceOf(Map.class);
    }

    @Test
    void substreamsNamedInSettingsAreWatchedBeforeTheirFirstMessage() {
        VirtualTime time = new VirtualTime(T0);
        TestMetrics metrics = new TestMetrics();
        TestStageContext ctx = new TestStageContext(time, metrics, Map.of("substream_timeout.trades_s", 5,
                "substream_timeout.book_s", 5, "symbols", List.of("ETHUSDT"), "streams", List.of("aggTrade"),
                "substream_timeout.watch_from_start", true));
        HarvestStage stage = new HarvestStage();
        stage.start(ctx);
        time.advanceTo(T0 + 7 * S);
        assertThat(metrics.facts.get("substream_timeout_detected")).isEqualTo(true);
        assertThat(stage.health().state()).isEqualTo(HealthState.UNHEALTHY);
    }
}
