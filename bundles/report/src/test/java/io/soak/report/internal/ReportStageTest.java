package io.soak.report.internal;

import io.soak.testing.fakes.FakeMetrics;
import io.soak.testing.fakes.FakeStageContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.market.Trade;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stats.MinuteStats;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReportStageTest {

    static final long M0 = 1_723_161_240_000L; // 2024-08-08T23:54:00Z, a minute start
    long seq;

    static Decision decision(long ts, String symbol, boolean confirm, boolean strong, String type, double lagSec,
                             String... reasons) {
        return new Decision(ts, symbol, 1.0, 1.0, 1.0, 0.5, 1.0, lagSec, "normal", confirm, type, List.of(reasons), strong);
    }

    Envelope env(String topic, long engineMs, Object payload) {
        return new Envelope(topic, ++seq, engineMs * 1_000_000L, payload);
    }

    /** A report-stage context whose clock starts at {@code startMs}. */
    static FakeStageContext context(long startMs, Map<String, Object> settings) {
        FakeStageContext ctx = new FakeStageContext("report", settings, 1L, java.nio.file.Path.of("target"), new FakeMetrics());
        ctx.setNanos(startMs * 1_000_000L);
        return ctx;
    }

    List<MinuteStats> minutes(FakeStageContext ctx) {
        return ctx.emitted().stream().map(e -> (MinuteStats) e.payload()).toList();
    }

    @Test
    void closesAMinuteWithPerSymbolRowsFirstAndAllLastHandComputed() throws Exception {
        FakeStageContext ctx = context(M0 + 5_000, Map.of("grace_ms", 2000));
        ReportStage stage = new ReportStage();
        stage.start(ctx);
        stage.handle(env("decision", M0 + 10_000, decision(M0 + 11_000, "BTCUSDT", true, true, "strong_buy", 0.2)));
        stage.handle(env("decision", M0 + 11_000, decision(M0 + 12_000, "BTCUSDT", true, false, "sell", 0.4)));
        stage.handle(env("decision", M0 + 12_000, decision(M0 + 13_000, "BTCUSDT", false, false, "pending", 0.6,
                "low_consistency")));
        stage.handle(env("decision", M0 + 13_000, decision(M0 + 14_000, "ETHUSDT", false, false, "neutral", -1.0,
                "low_consistency", "weak_signal")));
        stage.handle(env("order", M0 + 13_000, new Order(1, M0 + 11_000, "BTCUSDT", "buy", 100, "strong_buy", 1, "filled", "")));
        stage.handle(env("fill", M0 + 13_000, new Fill(1, M0 + 11_000, "BTCUSDT", "buy", 0.001, 60000, 0.02, 59999)));
        stage.handle(env("market", M0 + 13_000, new Trade("ETHUSDT", "ethusdt@trade", 1, 2600, 1, false, M0 + 14_000,
                M0 + 14_000, (M0 + 13_000) * 1_000_000L)));
        assertThat(ctx.emitted()).isEmpty();

        // an event published after the minute's end + grace closes it
        stage.handle(env("market", M0 + 62_000, new Trade("ETHUSDT", "ethusdt@trade", 2, 2600, 1, false, M0 + 63_000,
                M0 + 63_000, (M0 + 62_000) * 1_000_000L)));

        List<MinuteStats> rows = minutes(ctx);
        assertThat(rows).extracting(MinuteStats::symbol).containsExactly("BTCUSDT", "ETHUSDT", "all");
        MinuteStats btc = rows.get(0);
        assertThat(btc.minuteStartMs()).isEqualTo(M0);
        assertThat(btc.decisions()).isEqualTo(3);
        assertThat(btc.total()).isEqualTo(2);
        assertThat(btc.strong()).isEqualTo(1);
        assertThat(btc.strongRatio()).isEqualTo(0.5);
        assertThat(btc.buys()).isEqualTo(1);
        assertThat(btc.sells()).isEqualTo(1);
        assertThat(btc.orders()).isEqualTo(1);
        assertThat(btc.fills()).isEqualTo(1);
        assertThat(btc.gatingBreakdown()).isEqualTo(Map.of("low_consistency", 1L));
        assertThat(btc.lowConsistencyShare()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(btc.latencyMs().get("p50")).isCloseTo(400.0, within(4.0));
        assertThat(btc.latencyMs().get("max")).isCloseTo(600.0, within(6.0));
        MinuteStats all = rows.get(2);
        assertThat(all.decisions()).isEqualTo(4);
        assertThat(all.total()).isEqualTo(2);
        assertThat(all.feedMessages()).isEqualTo(1);
        assertThat(all.gatingBreakdown()).isEqualTo(Map.of("low_consistency", 2L, "weak_signal", 1L));
        assertThat(all.lowConsistencyShare()).isEqualTo(0.5);
        assertThat(all.latencyMs().get("p50")).isCloseTo(200.0, within(2.0));
        assertThat(all.latencyMs().get("p99")).isCloseTo(600.0, within(6.0));
        assertThat(all.latencyMs().get("p90")).isCloseTo(600.0, within(6.0));
        assertThat(rows.get(1).latencyMs().get("max")).isCloseTo(-1000.0, within(10.0));
        assertThat(rows.get(1).latencyMs().get("p50")).isCloseTo(-1000.0, within(10.0));
        assertThat(ctx.metricsImpl().counters()).containsEntry("closed", 1L).containsEntry("total", 2L).containsEntry("strong", 1L);
        assertThat(ctx.metricsImpl().factValue("summary")).isEqualTo(Map.of("closed", 1L, "decisions", 4L, "total", 2L, "strong", 1L,
                "strong_ratio", 0.5, "late_events", 0L, "last_minute_ms", M0));
    }

    @Test
    void closesMinutesWithZerosOnTheTimerWhenNothingFlows() throws Exception {
        FakeStageContext ctx = context(M0 + 5_000, Map.of("grace_ms", 2000, "idle_close_ms", 3000));
        ReportStage stage = new ReportStage();
        stage.start(ctx);
        stage.handle(env("decision", M0 + 10_000, decision(M0 + 11_000, "BTCUSDT", true, false, "buy", 0.1)));

        ctx.advanceTo((M0 + 60_000 + 4_999) * 1_000_000L);
        assertThat(ctx.emitted()).isEmpty();
        ctx.advanceTo((M0 + 3 * 60_000 + 5_000) * 1_000_000L);

        List<MinuteStats> rows = minutes(ctx);
        assertThat(rows).extracting(MinuteStats::minuteStartMs).containsExactly(M0, M0, M0 + 60_000, M0 + 60_000,
                M0 + 120_000, M0 + 120_000);
        assertThat(rows.get(0).total()).isEqualTo(1);
        MinuteStats quiet = rows.get(3);
        assertThat(quiet.symbol()).isEqualTo("all");
        assertThat(quiet.decisions()).isZero();
        assertThat(quiet.strongRatio()).isZero();
        assertThat(quiet.lowConsistencyShare()).isZero();
        assertThat(quiet.latencyMs()).isEmpty();
    }

    @Test
    void countsAnEventOfAClosedMinuteAsLate() throws Exception {
        FakeStageContext ctx = context(M0 + 5_000, Map.of());
        ReportStage stage = new ReportStage();
        stage.start(ctx);
        stage.handle(env("market", M0 + 63_000, new Trade("BTCUSDT", "btcusdt@trade", 1, 1, 1, false, M0 + 63_000,
                M0 + 63_000, 0)));
        stage.handle(env("decision", M0 + 63_500, decision(M0 + 59_000, "BTCUSDT", true, false, "buy", 0.1)));
        assertThat(ctx.metricsImpl().counters()).containsEntry("late_events", 1L);
        assertThat(minutes(ctx).get(minutes(ctx).size() - 1).decisions()).isZero();
    }

    @Test
    void stopEmitsTheLastPartialMinuteSoThatEveryRowIsCounted() throws Exception {
        FakeStageContext ctx = context(M0 + 5_000, Map.of());
        ReportStage stage = new ReportStage();
        stage.start(ctx);
        stage.handle(env("decision", M0 + 70_000, decision(M0 + 71_000, "BTCUSDT", true, true, "strong_sell", 0.1)));
        ctx.advanceTo((M0 + 75_000) * 1_000_000L);
        stage.stop();
        List<MinuteStats> rows = minutes(ctx);
        assertThat(rows).extracting(MinuteStats::minuteStartMs).containsExactly(M0, M0, M0 + 60_000, M0 + 60_000);
        assertThat(rows.get(3).strong()).isEqualTo(1);
        assertThat(rows.get(3).sells()).isEqualTo(1);
    }

    @Test
    void aRestartedInstanceKeepsTheRunTotalsTheEngineHolds() throws Exception {
        FakeStageContext ctx = context(M0 + 5_000, Map.of());
        ReportStage first = new ReportStage();
        first.start(ctx);
        first.handle(env("decision", M0 + 10_000, decision(M0 + 11_000, "BTCUSDT", true, false, "buy", 0.1)));
        ctx.advanceTo((M0 + 66_000) * 1_000_000L);
        ctx.cancelTimers(); // the first one was killed: the engine cancels its timers
        ReportStage second = new ReportStage();
        second.start(ctx);
        second.handle(env("decision", M0 + 70_000, decision(M0 + 71_000, "BTCUSDT", true, false, "buy", 0.1)));
        ctx.advanceTo((M0 + 126_000) * 1_000_000L);
        assertThat(ctx.metricsImpl().counters()).containsEntry("closed", 2L).containsEntry("total", 2L);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aMarketEventInTheYear2100IsCountedNotAMinuteOfItsOwnAndStopStaysBounded() throws Exception {
        FakeStageContext ctx = context(M0 + 5_000, Map.of("grace_ms", 2000));
        ReportStage stage = new ReportStage();
        stage.start(ctx);
        long y2100 = 4_102_444_800_000L;
        stage.handle(env("market", M0 + 6_000, new Trade("BTCUSDT", "btcusdt@trade", 1, 60_000, 1, false, M0 + 6_000,
                M0 + 6_000, (M0 + 6_000) * 1_000_000L)));
        stage.handle(env("market", M0 + 7_000, new Trade("BTCUSDT", "btcusdt@trade", 2, 60_000, 1, false, y2100,
                y2100, (M0 + 7_000) * 1_000_000L)));
        stage.handle(env("decision", M0 + 8_000, decision(y2100, "BTCUSDT", true, true, "strong_buy", 0.2)));
        ctx.setNanos((M0 + 30_000) * 1_000_000L);
        stage.stop(); // today: emits every empty minute up to 2100 (tens of millions of rows)
        assertThat(ctx.emitted().size()).isLessThanOrEqualTo(4);
        assertThat(ctx.metricsImpl().counter("out_of_range_events")).isEqualTo(2);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aClockJumpOfYearsSkipsTheEmptyMinutesWithoutAllocatingThem() throws Exception {
        FakeStageContext ctx = context(M0 + 5_000, Map.of("grace_ms", 2000));
        ReportStage stage = new ReportStage();
        stage.start(ctx);
        long later = M0 + 10L * 365 * 24 * 3_600_000L;
        stage.handle(env("market", later, new Trade("BTCUSDT", "btcusdt@trade", 2, 60_000, 1, false, later,
                later, later * 1_000_000L)));
        assertThat(ctx.emitted().size()).isLessThanOrEqualTo(3 * 1_441);
        assertThat(ctx.metricsImpl().counter("minutes_skipped")).isGreaterThan(5_000_000L);
    }
}
