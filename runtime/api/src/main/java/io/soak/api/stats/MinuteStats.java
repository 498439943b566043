package io.soak.api.stats;

import java.util.Map;

/**
 * Statistics of one closed minute of event time, for one symbol or for {@code all} symbols
 * (DOMAIN.md 5). A minute with no data is a minute with zeros.
 *
 * @param minuteStartMs        start of the minute, ms since epoch (UTC), a multiple of 60,000
 * @param symbol               the symbol, or {@code all}
 * @param decisions            all decision rows
 * @param total                confirmed decisions
 * @param strong               strong confirmed decisions
 * @param strongRatio          strong / total, 0 when total is 0
 * @param gatingBreakdown      guard reason to count over all decisions
 * @param lowConsistencyShare  decisions with {@code low_consistency} / decisions, 0 when none
 * @param latencyMs            lag percentiles in ms ({@code p50}, {@code p90}, {@code p99}, {@code max}), fixed-memory
 */
public record MinuteStats(long minuteStartMs, String symbol, long decisions, long total, long strong,
                          double strongRatio, Map<String, Long> gatingBreakdown, double lowConsistencyShare,
                          long buys, long sells, long orders, long fills, long feedMessages,
                          Map<String, Double> latencyMs) {

    public static final String ALL = "all";

    public MinuteStats {
        // sorted, so that serialised rows are byte-identical across runs
        gatingBreakdown = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(gatingBreakdown));
        latencyMs = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(latencyMs));
    }
}
