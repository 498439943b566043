package io.soak.exporter.pushgateway.internal;

import io.soak.api.export.MetricSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Prometheus text exposition format 0.0.4, written the way the Pushgateway accepts it: families grouped, one
 * HELP and one TYPE line per family, label values escaped ({@code \\}, {@code \"}, {@code \n}), HELP escaped
 * ({@code \\}, {@code \n}), no timestamps, every line ending in {@code \n}. A duplicate series, a family with
 * two types, or an invalid metric or label name is a programming error: it throws instead of producing a
 * body the server would reject.
 */
public final class TextFormat {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private TextFormat() {
    }

    private record Family(String name, String help, String type, Map<String, Double> series) {
    }

    /** Families sorted by name, series by their label string, so equal snapshots give equal bytes. */
    public static String encode(List<MetricSample> samples) {
        Map<String, Family> families = new TreeMap<>();
        for (MetricSample s : samples) {
            if (!METRIC_NAME.matcher(s.name()).matches()) {
                throw new IllegalArgumentException("invalid metric name '" + s.name() + "'");
            }
            String type = s.type() == null ? "untyped" : s.type();
            if (!type.equals("counter") && !type.equals("gauge") && !type.equals("untyped")) {
                throw new IllegalArgumentException("metric " + s.name() + ": type must be counter, gauge or untyped, got '"
                        + type + "'");
            }
            Family f = families.computeIfAbsent(s.name(), n -> new Family(n, s.help(), type, new TreeMap<>()));
            if (!f.type().equals(type)) {
                throw new IllegalArgumentException("metric " + s.name() + " has two types: " + f.type() + " and " + type);
            }
            String labels = labels(s.labels());
            if (f.series().put(labels, s.value()) != null) {
                throw new IllegalArgumentException("duplicate series " + s.name() + labels);
            }
        }
        StringBuilder b = new StringBuilder(samples.size() * 96);
        for (Family f : families.values()) {
            if (f.help() != null && !f.help().isEmpty()) {
                b.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
            }
            b.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            for (var e : f.series().entrySet()) {
                b.append(f.name()).append(e.getKey()).append(' ').append(value(e.getValue())).append('\n');
            }
        }
        return b.toString();
    }

    static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        Map<String, String> sorted = new LinkedHashMap<>(new TreeMap<>(labels));
        List<String> parts = new ArrayList<>(sorted.size());
        for (var e : sorted.entrySet()) {
            if (!LABEL_NAME.matcher(e.getKey()).matches() || e.getKey().startsWith("__")) {
                throw new IllegalArgumentException("invalid label name '" + e.getKey() + "'");
            }
            parts.add(e.getKey() + "=\"" + escapeLabel(e.getValue() == null ? "" : e.getValue()) + "\"");
        }
        return "{" + String.join(",", parts) + "}";
    }

    static String escapeLabel(String v) {
        StringBuilder b = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Go's ParseFloat spellings: integers without a fraction, NaN, +Inf, -Inf. */
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
}
