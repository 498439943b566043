package io.soak.alerts;

import io.soak.api.stats.MinuteStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds minute series and feeds them to an engine in virtual time, like promtool's input_series. */
final class Minutes {

    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    final AlertEngine engine;
    final List<MinuteStats> previous = new ArrayList<>();
    int minute;
    int exportFailures;
    long dropped;
    Map<String, Double> unhealthy = Map.of();

    Minutes(AlertRule... rules) {
        this.engine = new AlertEngine(List.of(rules));
    }

    static MinuteStats row(long start, long decisions, long total, long strong, double lowShare) {
        return new MinuteStats(start, MinuteStats.ALL, decisions, total, strong, total == 0 ? 0 : (double) strong / total,
                Map.of("low_consistency", Math.round(lowShare * decisions)), lowShare, total / 2, total - total / 2, 0, 0,
                decisions * 10, Map.of("p50", 5.0, "p99", 20.0));
    }

    /** Closes the next minute with these statistics; returns the transitions' states ("rule:state"). */
    List<String> close(long decisions, long total, long strong, double lowShare) {
        MinuteStats all = row(T0 + minute * 60_000L, decisions, total, strong, lowShare);
        Evaluation e = new Evaluation(all.minuteStartMs(), all, List.of(all), previous, dropped, exportFailures,
                unhealthy, Map.of());
        previous.add(all);
        minute++;
        return engine.evaluate(e).stream().map(t -> t.rule() + ":" + t.state()).toList();
    }

    /** A normal minute: 100 decisions, 50 confirmed, 10 strong, 10 % low consistency. */
    List<String> normal() {
        return close(100, 50, 10, 0.10);
    }

    AlertState state(String rule) {
        return engine.states().get(rule);
    }
}
