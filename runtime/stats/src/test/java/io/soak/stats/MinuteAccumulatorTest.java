package io.soak.stats;

import io.soak.api.stats.MinuteStats;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.signal.Decision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MinuteAccumulatorTest {

    static final long M0 = 1_723_161_240_000L; // a minute start

    static Decision d(long ts, String symbol, boolean confirm, boolean strong, String type, String... reasons) {
        return new Decision(ts, symbol, 0, 0, 0, 0, 0, 0, "normal", confirm, type, List.of(reasons), strong);
    }

    @Test
    void countsAMinuteByHandPerSymbolAndAll() {
        MinuteAccumulator acc = new MinuteAccumulator(List.of("SOLUSDT"));
        acc.decision(d(M0 + 1, "BTCUSDT", true, true, "strong_buy"));
        acc.decision(d(M0 + 2, "BTCUSDT", true, false, "buy"));
        acc.decision(d(M0 + 3, "BTCUSDT", true, false, "sell"));
        acc.decision(d(M0 + 4, "BTCUSDT", false, false, "pending", "low_consistency"));
        acc.decision(d(M0 + 5, "ETHUSDT", false, false, "neutral", "warmup", "low_consistency", "weak_signal"));
        acc.decision(d(M0 + 59_999, "ETHUSDT", true, true, "strong_sell"));
        acc.order(new Order(1, M0 + 10, "BTCUSDT", "buy", 100, "strong_buy", 1, "filled", ""));
        acc.fill(new Fill(1, M0 + 10, "BTCUSDT", "buy", 0.001, 1, 0.01, 1));
        acc.feedMessage(M0 + 10, "ETHUSDT");
        acc.feedMessage(M0 + 11, "ETHUSDT");

        List<MinuteStats> rows = acc.close(M0, null);

        assertThat(rows).extracting(MinuteStats::symbol).containsExactly("BTCUSDT", "ETHUSDT", "SOLUSDT", "all");
        MinuteStats btc = rows.get(0);
        assertThat(btc).isEqualTo(new MinuteStats(M0, "BTCUSDT", 4, 3, 1, 1.0 / 3, Map.of("low_consistency", 1L), 0.25,
                2, 1, 1, 1, 0, Map.of()));
        MinuteStats eth = rows.get(1);
        assertThat(eth).isEqualTo(new MinuteStats(M0, "ETHUSDT", 2, 1, 1, 1.0,
                Map.of("warmup", 1L, "low_consistency", 1L, "weak_signal", 1L), 0.5, 0, 1, 0, 0, 2, Map.of()));
        assertThat(rows.get(2)).isEqualTo(new MinuteStats(M0, "SOLUSDT", 0, 0, 0, 0.0, Map.of(), 0.0, 0, 0, 0, 0, 0, Map.of()));
        assertThat(rows.get(3)).isEqualTo(new MinuteStats(M0, "all", 6, 4, 2, 0.5,
                Map.of("warmup", 1L, "low_consistency", 2L, "weak_signal", 1L), 2.0 / 6, 2, 2, 1, 1, 2, Map.of()));
    }

    @Test
    void closeAllFillsMinutesWithoutDataWithZeros() {
        MinuteAccumulator acc = new MinuteAccumulator();
        acc.decision(d(M0 + 5, "BTCUSDT", true, false, "buy"));
        acc.decision(d(M0 + 180_000, "BTCUSDT", true, true, "strong_buy"));

        List<List<MinuteStats>> all = acc.closeAll((m, s) -> Map.of("p50", 1.0));

        assertThat(all).hasSize(4);
        assertThat(all).extracting(l -> l.get(1).minuteStartMs()).containsExactly(M0, M0 + 60_000, M0 + 120_000, M0 + 180_000);
        assertThat(all.get(1).get(1).decisions()).isZero();
        assertThat(all.get(3).get(1).strongRatio()).isEqualTo(1.0);
        assertThat(all.get(0).get(0).latencyMs()).containsEntry("p50", 1.0);
        assertThat(acc.firstMinute()).isEqualTo(-1);
    }

    @Test
    void minuteOfFloorsToTheMinuteAlsoBeforeTheEpoch() {
        assertThat(MinuteAccumulator.minuteOf(M0 + 59_999)).isEqualTo(M0);
        assertThat(MinuteAccumulator.minuteOf(-1)).isEqualTo(-60_000);
    }
}
