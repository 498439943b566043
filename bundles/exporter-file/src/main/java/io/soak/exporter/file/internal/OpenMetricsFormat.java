package io.soak.exporter.file.internal;

import io.soak.api.export.MetricSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * OpenMetrics 1.0 text for one snapshot, without the closing {@code # EOF}: families grouped and sorted, one
 * HELP and TYPE line each, counters named by their family ({@code soak_signals} for samples
 * {@code soak_signals_total}), label values escaped, every sample with the snapshot's timestamp in seconds.
 */
final class OpenMetricsFormat {

    static final String EOF_LINE = "# EOF\n";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private OpenMetricsFormat() {
    }

    private record Family(String name, String type, String help, Map<String, Double> series) {
    }

    static String block(List<MetricSample> samples, long timeMs) {
        Map<String, Family> families = new TreeMap<>();
        for (MetricSample s : samples) {
            if (!METRIC_NAME.matcher(s.name()).matches()) {
                throw new IllegalArgumentException("invalid metric name '" + s.name() + "'");
            }
            boolean counter = "counter".equals(s.type()) && s.name().endsWith("_total");
            String family = counter ? s.name().substring(0, s.name().length() - "_total".length()) : s.name();
            String type = counter ? "counter" : "gauge".equals(s.type()) ? "gauge" : "unknown";
            Family f = families.computeIfAbsent(family, n -> new Family(n, type, s.help(), new TreeMap<>()));
            if (!f.type().equals(type)) {
                throw new IllegalArgumentException("metric family " + family + " has two types");
            }
            String key = s.name() + labels(s.labels());
            if (f.series().put(key, s.value()) != null) {
                throw new IllegalArgumentException("duplicate series " + key);
            }
        }
        String ts = seconds(timeMs);
        StringBuilder b = new StringBuilder(samples.size() * 100);
        for (Family f : families.values()) {
            b.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            if (f.help() != null && !f.help().isEmpty()) {
                b.append("# HELP ").append(f.name()).append(' ').append(escape(f.help())).append('\n');
            }
            for (var e : f.series().entrySet()) {
                b.append(e.getKey()).append(' ').append(value(e.getValue())).append(' ').append(ts).append('\n');
            }
        }
        return b.toString();
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> {
            if (!LABEL_NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("invalid label name '" + k + "'");
            }
            parts.add(k + "=\"" + escape(v == null ? "" : v) + "\"");
        });
        return "{" + String.join(",", parts) + "}";
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String seconds(long ms) {
        long s = Math.floorDiv(ms, 1000);
        long frac = Math.floorMod(ms, 1000);
        return frac == 0 ? Long.toString(s) : s + "." + String.format(java.util.Locale.ROOT, "%03d", frac);
    }
}
