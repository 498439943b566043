package io.soak.alerts;

import io.soak.api.stats.MinuteStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The condition of a rule (DOMAIN.md 6), a pure function of one {@link Evaluation}. The standard kinds carry
 * their tuning as record components; {@link Threshold} is the user rule over any minute statistic.
 */
public sealed interface AlertCondition {

    Observation observe(Evaluation e);

    /** Parameters as written to the manifest. */
    Map<String, Object> params();

    /** total == 0 in the closed minute (with {@code for: 2m}: in each of the last 2 closed minutes). */
    record NoSignals(String symbol) implements AlertCondition {
        @Override
        public Observation observe(Evaluation e) {
            MinuteStats r = e.row(symbol);
            long total = r == null ? 0 : r.total();
            return Observation.of(total == 0, total, "total=" + total + " in minute " + minute(e) + " (" + symbol + ")");
        }

        @Override
        public Map<String, Object> params() {
            return Map.of("symbol", symbol);
        }
    }

    /** low_consistency_share above {@code threshold} in a minute with at least {@code minDecisions} decisions. */
    record LowConsistency(double threshold, long minDecisions) implements AlertCondition {
        @Override
        public Observation observe(Evaluation e) {
            double share = e.all().lowConsistencyShare();
            long n = e.all().decisions();
            boolean active = n >= minDecisions && share > threshold;
            return Observation.of(active, share, String.format(Locale.ROOT,
                    "low_consistency_share=%.4f (threshold %.2f) over %d decisions (min %d)", share, threshold, n,
                    minDecisions));
        }

        @Override
        public Map<String, Object> params() {
            return Map.of("threshold", threshold, "min_decisions", minDecisions);
        }
    }

    /**
     * The minute's strong_ratio below median − k·spread of the trailing {@code window} closed minutes (only
     * minutes with total ≥ {@code minTotal}, at least {@code minMinutes} of them), or below
     * {@code floorFraction}·median. The minute itself needs total ≥ {@code minTotal} (a ratio of a handful of
     * decisions says nothing; no decisions at all is {@code no_signals}).
     *
     * <p>spread = max(1.4826·MAD, sqrt(p(1−p)/n)), p the median, n the minute's independent confirmed decisions
     * ({@link Evaluation#independentConfirmed()}): the share of strong decisions among n has a binomial sampling
     * noise of sqrt(p(1−p)/n) whatever the baseline's spread, so a baseline of steady (busy, or looped) minutes
     * must not turn that noise into a collapse (issue #14).
     */
    record StrongRatioCollapse(int window, int minMinutes, long minTotal, double k, double floorFraction)
            implements AlertCondition {
        @Override
        public Observation observe(Evaluation e) {
            List<MinuteStats> prev = e.previous();
            List<Double> ratios = new ArrayList<>();
            for (int i = Math.max(0, prev.size() - window); i < prev.size(); i++) {
                if (prev.get(i).total() >= minTotal) {
                    ratios.add(prev.get(i).strongRatio());
                }
            }
            double ratio = e.all().strongRatio();
            if (ratios.size() < minMinutes) {
                return Observation.of(false, ratio, "baseline has " + ratios.size() + " minutes with total>=" + minTotal
                        + " (needs " + minMinutes + ")");
            }
            if (e.all().total() < minTotal) {
                return Observation.of(false, ratio, "total=" + e.all().total() + " < " + minTotal + ": not judged");
            }
            double median = Robust.median(ratios);
            double mad = Robust.mad(ratios, median);
            long n = e.independentConfirmed();
            double binomial = binomialSd(median, n);
            double lower = median - k * Math.max(1.4826 * mad, binomial);
            double floor = floorFraction * median;
            boolean active = ratio < lower || ratio < floor;
            return Observation.of(active, ratio, String.format(Locale.ROOT,
                    "strong_ratio=%.4f vs median %.4f, MAD %.4f, binomial sd %.4f (n=%d): lower bound %.4f, floor %.4f"
                            + " (%d baseline minutes)",
                    ratio, median, mad, binomial, n, lower, floor, ratios.size()));
        }

        /** sqrt(p(1−p)/n): the sampling noise of a share p over n independent decisions (0 when n is 0). */
        static double binomialSd(double p, long n) {
            return n <= 0 ? 0 : Math.sqrt(p * (1 - p) / n);
        }

        @Override
        public Map<String, Object> params() {
            return Map.of("trailing", window, "min_minutes", minMinutes, "min_total", minTotal, "mad_k", k,
                    "floor", floorFraction, "spread", "max(1.4826*MAD, sqrt(p(1-p)/n))");
        }
    }

    /** At least {@code consecutive} time-series exports failed in a row. */
    record ExportFailing(int consecutive) implements AlertCondition {
        @Override
        public Observation observe(Evaluation e) {
            int n = e.exportConsecutiveFailures();
            return Observation.of(n >= consecutive, n, n + " consecutive failed exports (threshold " + consecutive + ")");
        }

        @Override
        public Map<String, Object> params() {
            return Map.of("consecutive", consecutive);
        }
    }

    /** The ingress dropped messages during the minute ({@code queue_dropped} increased). */
    record DataDropped() implements AlertCondition {
        @Override
        public Observation observe(Evaluation e) {
            long d = e.queueDroppedDelta();
            return Observation.of(d > 0, d, "queue_dropped +" + d + " in minute " + minute(e));
        }

        @Override
        public Map<String, Object> params() {
            return Map.of();
        }
    }

    /** A stage stayed unhealthy for {@code seconds} in a row (health ticks) during the minute. */
    record StageUnhealthy(double seconds) implements AlertCondition {
        @Override
        public Observation observe(Evaluation e) {
            double worst = 0;
            List<String> stages = new ArrayList<>();
            for (var en : e.unhealthySeconds().entrySet()) {
                worst = Math.max(worst, en.getValue());
                if (en.getValue() >= seconds) {
                    stages.add(en.getKey() + " unhealthy " + (long) Math.floor(en.getValue()) + "s"
                            + detail(e.unhealthyDetails().get(en.getKey())));
                }
            }
            return Observation.of(!stages.isEmpty(), worst, stages.isEmpty()
                    ? "no stage unhealthy for " + (long) seconds + "s" : String.join("; ", stages));
        }

        private static String detail(String d) {
            return d == null || d.isEmpty() ? "" : " (" + d + ")";
        }

        @Override
        public Map<String, Object> params() {
            return Map.of("seconds", seconds);
        }
    }

    /**
     * A user rule: a minute statistic of a symbol (or {@code all}) above and/or below a bound. Metrics:
     * {@code decisions total strong strong_ratio low_consistency_share buys sells orders fills feed_messages},
     * {@code gating.<reason>}, {@code latency.<p50|p90|p99|max>}.
     */
    record Threshold(String metric, String symbol, Double above, Double below) implements AlertCondition {

        public Threshold {
            if (above == null && below == null) {
                throw new IllegalArgumentException("threshold rule on '" + metric + "' needs 'above' or 'below'");
            }
            valueOf(metric, null); // validates the name
        }

        @Override
        public Observation observe(Evaluation e) {
            MinuteStats r = e.row(symbol);
            double v = r == null ? 0 : valueOf(metric, r);
            boolean active = (above != null && v > above) || (below != null && v < below);
            return Observation.of(active, v, metric + "(" + symbol + ")=" + fmt(v)
                    + (above != null ? " above " + fmt(above) + "?" : "") + (below != null ? " below " + fmt(below) + "?" : ""));
        }

        @Override
        public Map<String, Object> params() {
            Map<String, Object> m = new java.util.TreeMap<>();
            m.put("metric", metric);
            m.put("symbol", symbol);
            if (above != null) {
                m.put("above", above);
            }
            if (below != null) {
                m.put("below", below);
            }
            return m;
        }

        /** The named statistic of a row; {@code row == null} only validates the name. */
        static double valueOf(String metric, MinuteStats row) {
            if (metric.startsWith("gating.")) {
                return row == null ? 0 : row.gatingBreakdown().getOrDefault(metric.substring(7), 0L);
            }
            if (metric.startsWith("latency.")) {
                return row == null ? 0 : row.latencyMs().getOrDefault(metric.substring(8), 0.0);
            }
            return switch (metric) {
                case "decisions" -> row == null ? 0 : row.decisions();
                case "total" -> row == null ? 0 : row.total();
                case "strong" -> row == null ? 0 : row.strong();
                case "strong_ratio" -> row == null ? 0 : row.strongRatio();
                case "low_consistency_share" -> row == null ? 0 : row.lowConsistencyShare();
                case "buys" -> row == null ? 0 : row.buys();
                case "sells" -> row == null ? 0 : row.sells();
                case "orders" -> row == null ? 0 : row.orders();
                case "fills" -> row == null ? 0 : row.fills();
                case "feed_messages" -> row == null ? 0 : row.feedMessages();
                default -> throw new IllegalArgumentException("unknown minute statistic '" + metric
                        + "'; known: decisions, total, strong, strong_ratio, low_consistency_share, buys, sells, "
                        + "orders, fills, feed_messages, gating.<reason>, latency.<p50|p90|p99|max>");
            };
        }
    }

    private static String minute(Evaluation e) {
        return java.time.Instant.ofEpochMilli(e.minuteStartMs()).toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
