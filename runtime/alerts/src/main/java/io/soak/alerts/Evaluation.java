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
 * @param sources                  served symbol to the recorded symbol whose data it replays (the source's
 *                                 aliases); a symbol not listed carries its own data
 */
public record Evaluation(long minuteStartMs, MinuteStats all, List<MinuteStats> rows, List<MinuteStats> previous,
                         long queueDroppedDelta, int exportConsecutiveFailures, Map<String, Double> unhealthySeconds,
                         Map<String, String> unhealthyDetails, Map<String, String> sources) {

    public Evaluation {
        rows = List.copyOf(rows);
        previous = List.copyOf(previous);
        unhealthySeconds = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(unhealthySeconds));
        unhealthyDetails = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(unhealthyDetails));
        sources = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(sources));
    }

    /** An evaluation where every symbol carries its own data (no aliases). */
    public Evaluation(long minuteStartMs, MinuteStats all, List<MinuteStats> rows, List<MinuteStats> previous,
                      long queueDroppedDelta, int exportConsecutiveFailures, Map<String, Double> unhealthySeconds,
                      Map<String, String> unhealthyDetails) {
        this(minuteStartMs, all, rows, previous, queueDroppedDelta, exportConsecutiveFailures, unhealthySeconds,
                unhealthyDetails, Map.of());
    }

    /**
     * The minute's confirmed decisions that are independent trials: the {@code all} row's total with each group
     * of symbols replaying the same recorded symbol counted once (the group's mean total; aliases replay the same
     * events, so their decisions are copies). Without aliases, or without per-symbol rows, {@code all.total()}.
     */
    public long independentConfirmed() {
        Map<String, long[]> groups = new java.util.TreeMap<>();
        for (MinuteStats r : rows) {
            if (!MinuteStats.ALL.equals(r.symbol())) {
                long[] g = groups.computeIfAbsent(sources.getOrDefault(r.symbol(), r.symbol()), k -> new long[2]);
                g[0] += r.total();
                g[1]++;
            }
        }
        double copies = 0;
        for (long[] g : groups.values()) {
            copies += g[0] - (double) g[0] / g[1];
        }
        return Math.max(0, Math.round(all.total() - copies));
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
