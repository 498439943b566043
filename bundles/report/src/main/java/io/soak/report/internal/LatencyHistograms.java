package io.soak.report.internal;

import io.soak.api.stats.MinuteStats;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Decision lag (lag_sec, in ms) per open minute and symbol in fixed-memory HdrHistograms: 2 significant
 * digits (about 1 % of the value) up to 1 h, ~16 KB per histogram, never a list of samples. Lag can be
 * negative (the exchange's clock runs ahead of the local one: about a second in the recordings), so each
 * key keeps one histogram of the non-negative lags and one of the magnitudes of the negative ones, and
 * percentiles are read across both by rank.
 */
final class LatencyHistograms {

    static final long HIGHEST_MS = 3_600_000L;

    /** Non-negative and negative lags of one minute and symbol. */
    private static final class Pair {
        final Histogram pos = new Histogram(HIGHEST_MS, 2);
        final Histogram neg = new Histogram(HIGHEST_MS, 2);

        void record(long ms) {
            if (ms >= 0) {
                pos.recordValue(Math.min(ms, HIGHEST_MS));
            } else {
                neg.recordValue(Math.min(-ms, HIGHEST_MS));
            }
        }

        long count() {
            return pos.getTotalCount() + neg.getTotalCount();
        }

        /** Value at percentile {@code p} (0..100) by rank across both halves. */
        double at(double p) {
            long n = count();
            long nNeg = neg.getTotalCount();
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
            if (rank <= nNeg) {
                // the rank-th smallest of the negatives is the (nNeg - rank + 1)-th largest magnitude
                long fromTop = nNeg - rank + 1;
                return -(double) neg.getValueAtPercentile(100.0 * fromTop / nNeg);
            }
            long nPos = n - nNeg;
            return pos.getValueAtPercentile(100.0 * (rank - nNeg) / nPos);
        }

        double max() {
            return pos.getTotalCount() > 0 ? pos.getMaxValue() : -(double) neg.getMinValue();
        }
    }

    private final Map<Long, Map<String, Pair>> open = new HashMap<>();

    void record(long minuteStartMs, String symbol, double lagSec) {
        if (Double.isNaN(lagSec) || Double.isInfinite(lagSec)) {
            return;
        }
        long ms = Math.round(lagSec * 1000.0);
        Map<String, Pair> m = open.computeIfAbsent(minuteStartMs, k -> new HashMap<>());
        m.computeIfAbsent(symbol, k -> new Pair()).record(ms);
        m.computeIfAbsent(MinuteStats.ALL, k -> new Pair()).record(ms);
    }

    /** p50, p90, p99, max (ms) of one minute and symbol; empty when nothing was recorded. */
    Map<String, Double> percentiles(long minuteStartMs, String symbol) {
        Map<String, Pair> m = open.get(minuteStartMs);
        Pair h = m == null ? null : m.get(symbol);
        if (h == null || h.count() == 0) {
            return Map.of();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("p50", h.at(50));
        out.put("p90", h.at(90));
        out.put("p99", h.at(99));
        out.put("max", h.max());
        return out;
    }

    void forget(long minuteStartMs) {
        open.remove(minuteStartMs);
    }
}
