package io.soak.alerts;

import io.soak.api.stats.MinuteStats;
import java.util.List;
import java.util.Map;

/**
 * Everything the rules may look at when one minute closes. Conditions are pure functions of it, so the
 * same inputs give the same transitions (the unit tests feed it directly, in virtual time).
 *
 * @param minuteStartMs            start of the closed minute (ms since epoch)
 * @param all                      the minute's {@code all} row
 * @param rows                     the minute's rows, per symbol and {@code all}
 * @param previous                 the {@code all} rows of the closed minutes before this one, oldest first (bounded)
 * @param queueDroppedDelta        ingress drops during this minute
 * @param exportConsecutiveFailures time-series exports that failed in a row, as of this evaluation
 * @param unhealthySeconds         per stage, the longest continuous unhealthy stretch seen by health ticks in
 *                                 this minute (still-unhealthy stages: the stretch so far); empty when none
 * @param unhealthyDetails         per stage, the last unhealthy detail
 */
public record Evaluation(long minuteStartMs, MinuteStats all, List<MinuteStats> rows, List<MinuteStats> previous,
                         long queueDroppedDelta, int exportConsecutiveFailures, Map<String, Double> unhealthySeconds,
                         Map<String, String> unhealthyDetails) {

    public Evaluation {
        rows = List.copyOf(rows);
        previous = List.copyOf(previous);
        unhealthySeconds = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(unhealthySeconds));
        unhealthyDetails = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(unhealthyDetails));
    }

    /** Evaluation time: the end of the closed minute. */
    public long atMs() {
        return minuteStartMs + 60_000L;
    }

    /** The row of {@code symbol} in this minute ({@code all} included), or null. */
    public MinuteStats row(String symbol) {
        if (MinuteStats.ALL.equals(symbol)) {
            return all;
        }
        return rows.stream().filter(r -> r.symbol().equals(symbol)).findFirst().orElse(null);
    }
}
