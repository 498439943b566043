package io.soak.launcher.control;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-of-run summary on the console (in the manner of k6): every criterion with its observed value, the
 * key figures of the run, and where the evidence is. Built from the final manifest alone.
 */
public final class RunSummary {

    private RunSummary() {
    }

    public static String text(Map<String, Object> m, Path runDir) {
        StringBuilder sb = new StringBuilder();
        sb.append('\n');
        Object verdict = m.get("verdict");
        List<?> criteria = verdict instanceof Map<?, ?> v && v.get("criteria") instanceof List<?> l ? l : List.of();
        if (criteria.isEmpty()) {
            sb.append("  (the scenario states no acceptance criteria)\n");
        }
        int width = 0;
        for (Object o : criteria) {
            if (o instanceof Map<?, ?> c) {
                width = Math.max(width, String.valueOf(c.get("name")).length());
            }
        }
        for (Object o : criteria) {
            if (o instanceof Map<?, ?> c) {
                boolean ok = Boolean.TRUE.equals(c.get("passed"));
                sb.append("  ").append(ok ? "✓ " : "✗ ").append(dots(String.valueOf(c.get("name")), width + 3))
                        .append(' ').append(value(c.get("observed"))).append("  (").append(c.get("op")).append(' ')
                        .append(value(c.get("expected"))).append(')').append(ok ? "" : "  FAILED").append('\n');
            }
        }
        sb.append('\n');
        List<String[]> f = new ArrayList<>();
        double dur = num(get(m, "duration_s"));
        long messages = (long) num(get(m, "harvester_metrics.market_events"));
        if (messages == 0) {
            messages = (long) num(get(m, "source.messages_read"));
        }
        f.add(kv("duration", String.format(Locale.ROOT, "%s engine time, %s wall", human(dur), human(num(get(m, "wall_time_s"))))));
        f.add(kv("messages", String.format(Locale.ROOT, "%,d (%,.0f/s engine time)", messages, dur > 0 ? messages / dur : 0)));
        double total = num(get(m, "minutes.total"));
        double strong = num(get(m, "minutes.strong"));
        f.add(kv("decisions", String.format(Locale.ROOT, "%,d, confirmed %,d, strong %,d (strong ratio %.1f%%)",
                (long) num(get(m, "minutes.decisions")), (long) total, (long) strong, total == 0 ? 0 : 100 * strong / total)));
        Object positions = get(m, "broker.positions");
        double realised = 0;
        double unrealised = 0;
        double fees = 0;
        if (positions instanceof Map<?, ?> p) {
            for (Object v : p.values()) {
                if (v instanceof Map<?, ?> pos) {
                    realised += num(pos.get("realised"));
                    unrealised += num(pos.get("unrealised"));
                    fees += num(pos.get("fees"));
                }
            }
        }
        if (get(m, "broker.fills") != null) {
            f.add(kv("fills", String.format(Locale.ROOT, "%,d of %,d orders; PnL realised %,.2f, unrealised %,.2f, fees %,.2f",
                    (long) num(get(m, "broker.fills")), (long) num(get(m, "broker.orders")), realised, unrealised, fees)));
        }
        StringBuilder restarts = new StringBuilder();
        if (get(m, "status.processes") instanceof Map<?, ?> procs) {
            procs.forEach((stage, p) -> {
                double n = num(get(p, "restart_count"));
                if (n > 0) {
                    restarts.append(restarts.length() == 0 ? "" : ", ").append(stage).append(' ').append((long) n)
                            .append(" (max recovery ").append(value(get(p, "max_recovery_ms"))).append(" ms)");
                }
            });
        }
        f.add(kv("restarts", restarts.length() == 0 ? "none" : restarts.toString()));
        if (get(m, "health") != null) f.add(kv("health", String.format(Locale.ROOT, "%.1f%% of %d checks green",
                100 * num(get(m, "health.green_ratio")), (long) num(get(m, "health.ticks")) == 0
                        ? (long) num(get(m, "health.green_ticks")) : (long) num(get(m, "health.ticks")))));
        if (get(m, "alerts.totals") != null) {
            f.add(kv("alerts", String.format(Locale.ROOT, "%d fired, %d resolved, %d active at the end",
                    (long) num(get(m, "alerts.totals.fired")), (long) num(get(m, "alerts.totals.resolved")),
                    (long) num(get(m, "alerts.totals.active_at_end")))));
        }
        if (get(m, "timeseries_export") != null) {
            f.add(kv("exports", String.format(Locale.ROOT, "%d ok, %d failed to %s (latency p50 %s ms, p99 %s ms)",
                    (long) num(get(m, "timeseries_export.export_count")), (long) num(get(m, "timeseries_export.error_count")),
                    get(m, "timeseries_export.type"), value(get(m, "timeseries_export.latency_ms.p50")),
                    value(get(m, "timeseries_export.latency_ms.p99")))));
        }
        if ("compared".equals(get(m, "parity.status"))) {
            f.add(kv("parity", Boolean.TRUE.equals(get(m, "parity.exact_match"))
                    ? "exact match (" + rows(get(m, "parity.rows")) + ")"
                    : value(get(m, "parity.differences")) + " difference(s), total diff " + value(get(m, "parity.total_diff_pct")) + " %"));
        }
        if (get(m, "latency.mode") != null) {
            f.add(kv("latency", get(m, "latency.total.p99_ms") == null ? String.valueOf(get(m, "latency.mode"))
                    : String.format(Locale.ROOT, "receive → committed p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms (%s)",
                    value(get(m, "latency.total.p50_ms")), value(get(m, "latency.total.p99_ms")),
                    value(get(m, "latency.total.p999_ms")), value(get(m, "latency.total.max_ms")), get(m, "latency.mode"))));
        }
        if (get(m, "startup.first_event_ms") != null) {
            f.add(kv("startup", String.format(Locale.ROOT, "first event %s ms after the JVM started (scenario %s ms, %s; host %s ms; class-data archive %s)",
                    value(get(m, "startup.first_event_ms")), value(get(m, "startup.scenario_load_ms")),
                    "disk".equals(get(m, "startup.scenario_classes")) ? "classes from the cache" : "compiled",
                    value(get(m, "startup.host_start_ms")),
                    get(m, "startup.class_data_archive") == null ? "none" : get(m, "startup.class_data_archive"))));
        }
        f.add(kv("resources", String.format(Locale.ROOT, "peak RSS %s MB, open files max %s, threads max %s",
                value(get(m, "resource_usage.max_rss_mb")), value(get(m, "resource_usage.max_open_files")),
                value(get(m, "resource_usage.max_threads")))));
        if (get(m, "operator_actions") instanceof List<?> acts && !acts.isEmpty()) {
            f.add(kv("operator", acts.size() + " action(s): " + String.join(", ", acts.stream()
                    .map(a -> get(a, "action") + (get(a, "target") == null ? "" : " " + get(a, "target"))).toList())));
        }
        if (get(m, "versions.changed") instanceof Map<?, ?> ch && !ch.isEmpty()) {
            f.add(kv("bundles", "updated during the run: " + ch));
        }
        int w = f.stream().mapToInt(a -> a[0].length()).max().orElse(8) + 3;
        for (String[] kv : f) {
            sb.append("  ").append(dots(kv[0], w)).append(' ').append(kv[1]).append('\n');
        }
        sb.append('\n');
        sb.append("  evidence: ").append(runDir).append("/  report.html  run_manifest.json  reports/*.md\n");
        return sb.toString();
    }

    private static String rows(Object perSink) {
        if (perSink instanceof Map<?, ?> unsorted) {
            Map<String, Object> r = new java.util.TreeMap<>();
            unsorted.forEach((k, v) -> r.put(String.valueOf(k), v));
            return String.join(", ", r.entrySet().stream().map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d",
                    (long) num(e.getValue())) + " rows").toList());
        }
        return value(perSink) + " rows";
    }

    private static String[] kv(String k, String v) {
        return new String[] {k, v};
    }

    private static String dots(String s, int width) {
        return s + " " + ".".repeat(Math.max(2, width - s.length()));
    }

    static String human(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "%.1fs", seconds);
    }

    /** A value for reading: at most 4 significant decimals, integers as such. */
    static String value(Object v) {
        if (v instanceof Double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.valueOf(d.longValue());
            }
            return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        }
        if (v instanceof List<?> l) {
            return String.join(" → ", l.stream().map(RunSummary::value).toList());
        }
        return String.valueOf(v);
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    static Object get(Object tree, String path) {
        Object cur = tree;
        for (String k : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> mm)) {
                return null;
            }
            cur = mm.get(k);
        }
        return cur;
    }
}
