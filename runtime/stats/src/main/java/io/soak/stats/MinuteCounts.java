package io.soak.stats;

import io.soak.api.stats.MinuteStats;

import io.soak.api.signal.Decision;
import java.util.Map;
import java.util.TreeMap;

/**
 * The additive counts of one minute and one symbol (or {@code all}): everything of {@link MinuteStats}
 * except the latency percentiles, which need a histogram. Pure and mutable; not thread-safe. The report
 * stage and the host's recomputation from sink rows (parity, summaries, {@code soak verify}) share it, so
 * both count exactly the same way.
 */
public final class MinuteCounts {

    /** The guard reason counted by {@link MinuteStats#lowConsistencyShare()}. */
    public static final String LOW_CONSISTENCY = "low_consistency";

    private long decisions;
    private long total;
    private long strong;
    private long buys;
    private long sells;
    private long lowConsistency;
    private long orders;
    private long fills;
    private long feedMessages;
    private final TreeMap<String, Long> gating = new TreeMap<>();

    /**
     * Counts one decision: every decision in {@code decisions} and in the gating breakdown, confirmed ones
     * in {@code total}, {@code buys} or {@code sells} (by the sign of the signal type), and {@code strong}.
     */
    public void decision(Decision d) {
        decision(d.confirm(), d.strong(), d.signalType(), d.guardReasons());
    }

    /** Same as {@link #decision(Decision)} from the fields a persisted row carries. */
    public void decision(boolean confirm, boolean isStrong, String signalType, Iterable<String> guardReasons) {
        decisions++;
        if (confirm) {
            total++;
            if (isStrong) {
                strong++;
            }
            if (signalType != null && signalType.endsWith("buy")) {
                buys++;
            } else if (signalType != null && signalType.endsWith("sell")) {
                sells++;
            }
        }
        for (String reason : guardReasons) {
            gating.merge(reason, 1L, Long::sum);
            if (LOW_CONSISTENCY.equals(reason)) {
                lowConsistency++;
            }
        }
    }

    public void order() {
        orders++;
    }

    public void fill() {
        fills++;
    }

    public void feedMessage() {
        feedMessages++;
    }

    /** Adds another minute's counts (per-symbol counts summed into {@code all}). */
    public void add(MinuteCounts other) {
        decisions += other.decisions;
        total += other.total;
        strong += other.strong;
        buys += other.buys;
        sells += other.sells;
        lowConsistency += other.lowConsistency;
        orders += other.orders;
        fills += other.fills;
        feedMessages += other.feedMessages;
        other.gating.forEach((k, v) -> gating.merge(k, v, Long::sum));
    }

    public long decisions() {
        return decisions;
    }

    public long total() {
        return total;
    }

    public long strong() {
        return strong;
    }

    /** True when nothing at all was counted. */
    public boolean isEmpty() {
        return decisions == 0 && orders == 0 && fills == 0 && feedMessages == 0;
    }

    /** strong / total, 0 when total is 0. */
    public static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : (double) part / (double) whole;
    }

    /**
     * The statistics of this minute.
     *
     * @param latencyMs lag percentiles (may be empty when the caller keeps no histogram)
     */
    public MinuteStats toStats(long minuteStartMs, String symbol, Map<String, Double> latencyMs) {
        return new MinuteStats(minuteStartMs, symbol, decisions, total, strong, ratio(strong, total),
                new TreeMap<>(gating), ratio(lowConsistency, decisions), buys, sells, orders, fills, feedMessages,
                latencyMs == null ? Map.of() : latencyMs);
    }
}
