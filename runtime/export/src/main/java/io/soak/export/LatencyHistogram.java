package io.soak.export;

import java.util.Map;
import java.util.TreeMap;

/** Fixed-memory histogram of export latencies: 1 ms buckets up to 10 s, the rest in one overflow bucket (max kept exactly). */
final class LatencyHistogram {

    private static final int LIMIT_MS = 10_000;
    private final long[] buckets = new long[LIMIT_MS + 1];
    private long count;
    private long max;

    void record(long ms) {
        long v = Math.max(0, ms);
        buckets[(int) Math.min(v, LIMIT_MS)]++;
        count++;
        max = Math.max(max, v);
    }

    long count() {
        return count;
    }

    /** Value at quantile q (0..1), nearest-rank; the overflow bucket reports the maximum. */
    long quantile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i <= LIMIT_MS; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return i == LIMIT_MS ? max : i;
            }
        }
        return max;
    }

    Map<String, Object> summary() {
        Map<String, Object> m = new TreeMap<>();
        m.put("p50", quantile(0.50));
        m.put("p99", quantile(0.99));
        m.put("max", max);
        m.put("count", count);
        return m;
    }
}
