package io.soak.harvest.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Receive lag (local receive − exchange event time, ms) in a fixed bucket array: 1 ms buckets from
 * {@link #MIN_MS} to {@link #MAX_MS} (the lag can be negative: the local clock and the exchange's disagree
 * by about a second in the recordings), values outside clamped to the edge buckets, the exact extremes kept
 * apart. Fixed memory (~280 KB), never a list of samples. Chosen over HdrHistogram because that cannot
 * record negative values and would be one more library to embed.
 */
final class LagHistogram {

    static final int MIN_MS = -10_000;
    static final int MAX_MS = 60_000;

    private final long[] buckets = new long[MAX_MS - MIN_MS + 1];
    private long count;
    private long max = Long.MIN_VALUE;
    private long min = Long.MAX_VALUE;

    void record(long lagMs) {
        int i = (int) (Math.max(MIN_MS, Math.min(MAX_MS, lagMs)) - MIN_MS);
        buckets[i]++;
        count++;
        max = Math.max(max, lagMs);
        min = Math.min(min, lagMs);
    }

    long count() {
        return count;
    }

    /** The value at quantile {@code q} (0..1), to 1 ms; 0 when empty. */
    long percentile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, i + (long) MIN_MS));
            }
        }
        return max;
    }

    /** {p50, p90, p99, max, min, count} as the manifest wants them. */
    Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", percentile(0.50));
        m.put("p90", percentile(0.90));
        m.put("p99", percentile(0.99));
        m.put("max", count == 0 ? 0 : max);
        m.put("min", count == 0 ? 0 : min);
        m.put("count", count);
        return m;
    }
}
