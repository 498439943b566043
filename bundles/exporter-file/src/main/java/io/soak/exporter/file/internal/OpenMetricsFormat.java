package io.soak.exporter.file.internal;

import io.soak.api.export.MetricSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strictly valid OpenMetrics 1.0 text document built up export by export: one {@code # TYPE}/{@code # HELP} per
 * family and every family exactly once (a name never reappears further down, which strict parsers reject as a
 * clashing name), the points of one series together in time order, counters named by their family
 * ({@code soak_signals} for samples {@code soak_signals_total}), label values escaped, timestamps in seconds,
 * {@code # EOF} at the end. Held in memory (about 80 bytes a point) and rendered whole.
 */
final class OpenMetricsFormat {

    static final String EOF_LINE = "# EOF\n";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private record Family(String name, String type, String help, Map<String, StringBuilder> series) {
    }

    private final Map<String, Family> families = new TreeMap<>();
    private final Map<String, String> sampleNames = new TreeMap<>();
    private long points;

    long points() {
        return points;
    }

    /** Adds one snapshot's samples at {@code timeMs}; throws on a name that would clash, a type change or a duplicate. */
    void add(List<MetricSample> samples, long timeMs) {
        String ts = seconds(timeMs);
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Runnable> apply = new ArrayList<>();
        for (MetricSample s : samples) {
            if (!METRIC_NAME.matcher(s.name()).matches()) {
                throw new IllegalArgumentException("invalid metric name '" + s.name() + "'");
            }
            boolean counter = "counter".equals(s.type()) && s.name().endsWith("_total");
            String family = counter ? s.name().substring(0, s.name().length() - "_total".length()) : s.name();
            String type = counter ? "counter" : "gauge".equals(s.type()) ? "gauge" : "unknown";
            String owner = sampleNames.get(family);
            if (owner != null && !owner.equals(family) || sampleNames.containsKey(s.name()) && !sampleNames.get(s.name()).equals(family)) {
                throw new IllegalArgumentException("metric family " + family + " clashes with " + owner);
            }
            Family known = families.get(family);
            if (known != null && !known.type().equals(type)) {
                throw new IllegalArgumentException("metric family " + family + " has two types");
            }
            String key = s.name() + labels(s.labels());
            if (!seen.add(key)) {
                throw new IllegalArgumentException("duplicate series " + key);
            }
            String line = key + ' ' + value(s.value()) + ' ' + ts + '\n';
            apply.add(() -> {
                Family f = families.computeIfAbsent(family, n -> new Family(n, type, s.help(), new TreeMap<>()));
                sampleNames.put(family, family);
                sampleNames.put(s.name(), family);
                f.series().computeIfAbsent(key, k -> new StringBuilder()).append(line);
                points++;
            });
        }
        apply.forEach(Runnable::run);
    }

    /** The whole document, {@code # EOF} included. */
    String render() {
        StringBuilder b = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 16, points * 90 + 64));
        for (Family f : families.values()) {
            b.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            if (f.help() != null && !f.help().isEmpty()) {
                b.append("# HELP ").append(f.name()).append(' ').append(escape(f.help())).append('\n');
            }
            f.series().values().forEach(b::append);
        }
        return b.append(EOF_LINE).toString();
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
