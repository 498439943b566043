package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code report.html}: one self-contained page per run (inline CSS and SVG, a few lines of inline script, a
 * Content-Security-Policy that forbids every fetch), readable offline. It opens with the verdict table and
 * the key figures, then charts over the run: per-minute decisions, confirmed and strong ratio per symbol,
 * health per stage with faults and restarts marked, alert states, receive-lag percentiles, exports and
 * their failures, RSS / open files / threads; then the faults, operator actions and bundle updates. Built
 * from the artifacts only ({@code run_manifest.json}, {@code timeline.jsonl}, the per-sink summaries), so
 * {@code soak report <run_dir>} regenerates it.
 */
public final class HtmlReport {

    public static final String FILE = "report.html";
    static final String TIMELINE = "timeline.jsonl";

    private final Map<String, Object> m;
    private final List<Map<String, Object>> minuteLines = new ArrayList<>();
    private final List<Map<String, Object>> ticks = new ArrayList<>();
    private final long startMs;
    private final long endMs;
    private final double minutes;
    private final StringBuilder body = new StringBuilder();

    private HtmlReport(Map<String, Object> manifest, List<Map<String, Object>> timeline) {
        this.m = manifest;
        for (Map<String, Object> l : timeline) {
            if ("minute".equals(l.get("type"))) {
                minuteLines.add(l);
            } else if ("tick".equals(l.get("type"))) {
                ticks.add(l);
            }
        }
        this.startMs = ms(Tree.get(m, "started_at"), 0);
        long end = ms(Tree.get(m, "ended_at"), -1);
        if (end < 0 && !ticks.isEmpty()) {
            end = ms(ticks.get(ticks.size() - 1).get("at"), startMs);
        }
        this.endMs = Math.max(end, startMs + 1);
        this.minutes = (endMs - startMs) / 60_000.0;
    }

    /** Writes {@code report.html} into the run directory from its artifacts; returns the file. */
    public static Path write(Path runDir, ObjectMapper json) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> manifest = json.readValue(runDir.resolve("run_manifest.json").toFile(), Map.class);
        return write(runDir, manifest, json);
    }

    /** As {@link #write(Path, ObjectMapper)} with the manifest tree given (the run's own, after the verdict). */
    public static Path write(Path runDir, Map<String, Object> manifest, ObjectMapper json) throws IOException {
        List<Map<String, Object>> timeline = readTimeline(runDir, json);
        HtmlReport r = new HtmlReport(manifest, timeline);
        if (r.minuteLines.isEmpty()) {
            r.minuteLinesFromSummary(runDir, json);
        }
        if (r.ticks.isEmpty()) {
            r.ticksFromHealthHistory();
        }
        Path out = runDir.resolve(FILE);
        Summaries.atomic(out, r.render());
        return out;
    }

    static List<Map<String, Object>> readTimeline(Path runDir, ObjectMapper json) throws IOException {
        Path f = runDir.resolve(TIMELINE);
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (l.isBlank()) {
                continue;
            }
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> x = json.readValue(l, Map.class);
                out.add(x);
            } catch (IOException e) {
                // a torn last line after a kill is skipped
            }
        }
        return out;
    }

    /** Older runs (no timeline): the per-minute rows of the first sink summary, symbol {@code all} only. */
    private void minuteLinesFromSummary(Path runDir, ObjectMapper json) throws IOException {
        for (String sink : List.of("jsonl", "sqlite")) {
            Path f = runDir.resolve("reports").resolve("summary_" + sink + ".json");
            if (Files.isRegularFile(f)) {
                Map<?, ?> doc = json.readValue(f.toFile(), Map.class);
                int i = 0;
                for (Object o : Tree.list(doc, "per_minute")) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("symbol", "all");
                    row.put("decisions", Tree.get(o, "decisions"));
                    row.put("confirmed", Tree.get(o, "total"));
                    row.put("strong_ratio", Tree.get(o, "strong_ratio"));
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("type", "minute");
                    line.put("minute", ++i);
                    line.put("minute_start", Tree.get(o, "minute_start"));
                    line.put("symbols", List.of(row));
                    minuteLines.add(line);
                }
                return;
            }
        }
    }

    private void ticksFromHealthHistory() {
        for (Object h : Tree.list(m, "health.history")) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("type", "tick");
            t.put("at", Tree.get(h, "at"));
            Map<String, Object> stages = new LinkedHashMap<>();
            if (Tree.get(h, "stages") instanceof Map<?, ?> st) {
                st.forEach((k, v) -> stages.put(String.valueOf(k), Map.of("health", String.valueOf(v))));
            }
            t.put("stages", stages);
            ticks.add(t);
        }
    }

    // ============================================================================================ render

    private String render() {
        Object verdict = Tree.get(m, "verdict");
        boolean passed = verdict instanceof Map<?, ?> v && Boolean.TRUE.equals(v.get("passed"));
        String title = "soak run " + Tree.get(m, "run_id");
        header();
        criteria();
        keyFigures();
        perMinuteCharts();
        healthChart();
        alertsChart();
        lagChart();
        latencyTable();
        exportCharts();
        resourceCharts();
        eventTables();
        evidence();
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
                + " script-src 'unsafe-inline'; img-src data:\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Svg.esc(title) + " — " + (passed ? "PASS" : "FAIL") + "</title><style>" + CSS + "</style></head>"
                + "<body data-run-id=\"" + Svg.esc(String.valueOf(Tree.get(m, "run_id"))) + "\" data-verdict=\""
                + (passed ? "pass" : "fail") + "\" data-minutes=\"" + minuteLines.size() + "\">" + body
                + "<script>" + JS + "</script></body></html>\n";
    }

    private void header() {
        Object verdict = Tree.get(m, "verdict");
        boolean passed = verdict instanceof Map<?, ?> v && Boolean.TRUE.equals(v.get("passed"));
        body.append("<header><h1>soak run <code>").append(Svg.esc(String.valueOf(Tree.get(m, "run_id")))).append("</code> ")
                .append(passed ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>").append("</h1>");
        body.append("<p>Scenario <b>").append(Svg.esc(String.valueOf(Tree.get(m, "scenario")))).append("</b>, mode ")
                .append(Svg.esc(String.valueOf(Tree.get(m, "mode")))).append(", pace ").append(Svg.esc(String.valueOf(Tree.get(m, "pace"))))
                .append(", from ").append(Svg.esc(String.valueOf(Tree.get(m, "started_at")))).append(" to ")
                .append(Svg.esc(String.valueOf(Tree.get(m, "ended_at")))).append(" (").append(dur(num(Tree.get(m, "duration_s"))))
                .append(" engine time, ").append(dur(num(Tree.get(m, "wall_time_s")))).append(" wall). End: ")
                .append(Svg.esc(String.valueOf(Tree.get(m, "end_reason")))).append(".</p></header>");
    }

    private void criteria() {
        body.append("<h2>Acceptance criteria</h2>");
        Object criteria = Tree.get(m, "verdict.criteria");
        if (!(criteria instanceof List<?> l) || l.isEmpty()) {
            body.append("<p><i>The scenario states no acceptance criteria.</i></p>");
            return;
        }
        body.append("<table class=\"verdict\"><tr><th>result</th><th>criterion</th><th>expectation</th><th>observed</th></tr>");
        for (Object o : l) {
            boolean ok = Boolean.TRUE.equals(Tree.get(o, "passed"));
            body.append("<tr class=\"").append(ok ? "ok" : "bad").append("\"><td>").append(ok ? "✓ pass" : "✗ FAIL")
                    .append("</td><td>").append(Svg.esc(String.valueOf(Tree.get(o, "name")))).append("</td><td><code>")
                    .append(Svg.esc(Tree.get(o, "path") + " " + Tree.get(o, "op") + " " + value(Tree.get(o, "expected"))))
                    .append("</code></td><td>").append(Svg.esc(value(Tree.get(o, "observed")))).append("</td></tr>");
        }
        body.append("</table>");
    }

    private void keyFigures() {
        body.append("<h2>Key figures</h2><table class=\"kv\">");
        double dur = num(Tree.get(m, "duration_s"));
        double msgs = num(Tree.get(m, "harvester_metrics.market_events"));
        kv("messages", String.format(Locale.ROOT, "%,.0f (%,.0f/s engine time)", msgs, dur > 0 ? msgs / dur : 0));
        double total = num(Tree.get(m, "minutes.total"));
        double strong = num(Tree.get(m, "minutes.strong"));
        kv("decisions", String.format(Locale.ROOT, "%,.0f; confirmed %,.0f; strong %,.0f (%.1f %%)",
                num(Tree.get(m, "minutes.decisions")), total, strong, total == 0 ? 0 : 100 * strong / total));
        if (Tree.get(m, "broker.fills") != null) {
            kv("orders / fills", String.format(Locale.ROOT, "%,.0f / %,.0f", num(Tree.get(m, "broker.orders")), num(Tree.get(m, "broker.fills"))));
        }
        kv("health", String.format(Locale.ROOT, "%.2f %% of %,.0f checks green", 100 * num(Tree.get(m, "health.green_ratio")),
                num(Tree.get(m, "health.ticks"))));
        List<String> restarts = new ArrayList<>();
        Tree.map(m, "status.processes").forEach((stage, p) -> {
            if (num(Tree.get(p, "restart_count")) > 0) {
                restarts.add(stage + " " + value(Tree.get(p, "restart_count")) + " (max recovery " + value(Tree.get(p, "max_recovery_ms")) + " ms)");
            }
        });
        kv("restarts", restarts.isEmpty() ? "none" : String.join(", ", restarts));
        if (Tree.get(m, "alerts.totals") != null) {
            kv("alerts", value(Tree.get(m, "alerts.totals.fired")) + " fired, " + value(Tree.get(m, "alerts.totals.resolved"))
                    + " resolved, " + value(Tree.get(m, "alerts.totals.active_at_end")) + " active at the end");
        }
        if (Tree.get(m, "timeseries_export") != null) {
            kv("exports", value(Tree.get(m, "timeseries_export.export_count")) + " ok, " + value(Tree.get(m, "timeseries_export.error_count"))
                    + " failed (" + value(Tree.get(m, "timeseries_export.type")) + ")");
        }
        if ("compared".equals(Tree.get(m, "parity.status"))) {
            kv("dual-sink parity", Boolean.TRUE.equals(Tree.get(m, "parity.exact_match")) ? "exact match, "
                    + value(Tree.get(m, "parity.rows")) + " rows" : value(Tree.get(m, "parity.differences")) + " difference(s)");
        }
        kv("harvester", "queue dropped " + value(Tree.get(m, "harvester_metrics.queue_dropped")) + ", reconnects "
                + value(Tree.get(m, "harvester_metrics.reconnect_count")) + ", substream timeout "
                + value(Tree.get(m, "harvester_metrics.substream_timeout_detected")));
        kv("end-to-end latency", latencyLine(m));
        kv("resources", "peak RSS " + value(Tree.get(m, "resource_usage.max_rss_mb")) + " MB, open files max "
                + value(Tree.get(m, "resource_usage.max_open_files")) + ", threads max " + value(Tree.get(m, "resource_usage.max_threads")));
        body.append("</table>");
    }

    private void kv(String k, String v) {
        body.append("<tr><th>").append(Svg.esc(k)).append("</th><td>").append(Svg.esc(v)).append("</td></tr>");
    }

    private double[] minuteXs() {
        double[] xs = new double[minuteLines.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = num(minuteLines.get(i).get("minute")) == 0 ? i + 1 : num(minuteLines.get(i).get("minute"));
        }
        return xs;
    }

    private Map<String, double[]> perSymbol(String field, double scale, boolean withAll) {
        TreeSet<String> symbols = new TreeSet<>();
        for (Map<String, Object> l : minuteLines) {
            for (Object r : Tree.list(l, "symbols")) {
                String s = String.valueOf(Tree.get(r, "symbol"));
                if (withAll || !s.equals("all") || minuteLinesOnlyAll()) {
                    symbols.add(s);
                }
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String s : symbols) {
            double[] ys = new double[minuteLines.size()];
            for (int i = 0; i < ys.length; i++) {
                ys[i] = Double.NaN;
                for (Object r : Tree.list(minuteLines.get(i), "symbols")) {
                    if (s.equals(String.valueOf(Tree.get(r, "symbol"))) && Tree.get(r, field) instanceof Number n) {
                        ys[i] = n.doubleValue() * scale;
                    }
                }
            }
            out.put(s, ys);
        }
        return out;
    }

    private boolean minuteLinesOnlyAll() {
        return minuteLines.stream().allMatch(l -> Tree.list(l, "symbols").size() <= 1);
    }

    private List<Svg.Marker> faultMarkers() {
        List<Svg.Marker> out = new ArrayList<>();
        for (Object f : Tree.list(m, "faults")) {
            long at = ms(Tree.get(f, "at"), -1);
            if (at >= 0) {
                boolean op = "operator".equals(Tree.get(f, "params.source"));
                out.add(new Svg.Marker(frac(at), op ? "#9467bd" : "#d62728",
                        Tree.get(f, "kind") + " " + Tree.get(f, "target") + (op ? " (operator)" : "") + ": " + Tree.get(f, "effect")));
            }
        }
        return out;
    }

    private void perMinuteCharts() {
        body.append("<h2>Per minute, per symbol</h2>");
        if (minuteLines.isEmpty()) {
            body.append("<p><i>No closed minute in this run (no report stage, or it ended within its first minute).</i></p>");
            return;
        }
        double[] xs = minuteXs();
        body.append("<div class=\"c\">").append(Svg.lines("decisions", "Decisions per minute", "minute", xs,
                perSymbol("decisions", 1, false), "", List.of())).append("</div>");
        body.append("<div class=\"c\">").append(Svg.lines("confirmed", "Confirmed (total) per minute", "minute", xs,
                perSymbol("confirmed", 1, false), "", List.of())).append("</div>");
        body.append("<div class=\"c\">").append(Svg.lines("strong_ratio", "Strong ratio per minute (%)", "minute", xs,
                perSymbol("strong_ratio", 100, false), "%", List.of())).append("</div>");
    }

    private void healthChart() {
        body.append("<h2>Health per stage, faults and restarts</h2>");
        List<String> stages = new ArrayList<>();
        Map<String, List<Object[]>> spans = new LinkedHashMap<>();
        long prev = startMs;
        for (Map<String, Object> t : ticks) {
            long at = ms(t.get("at"), prev);
            if (t.get("stages") instanceof Map<?, ?> st) {
                for (Map.Entry<?, ?> e : st.entrySet()) {
                    String stage = String.valueOf(e.getKey());
                    if (!stages.contains(stage)) {
                        stages.add(stage);
                    }
                    String h = String.valueOf(Tree.get(e.getValue(), "health"));
                    String color = switch (h) {
                        case "healthy" -> "#4caf50";
                        case "degraded" -> "#ffb300";
                        default -> "#e53935";
                    };
                    spans.computeIfAbsent(stage, k -> new ArrayList<>()).add(new Object[] {frac(prev), frac(at), color,
                            stage + " " + h + " at " + t.get("at")});
                }
            }
            prev = at;
        }
        List<Svg.Marker> markers = new ArrayList<>(faultMarkers());
        Tree.map(m, "status.processes").forEach((stage, p) -> {
            for (Object r : Tree.list(p, "restarts")) {
                long at = ms(Tree.get(r, "recovered_at"), -1);
                if (at >= 0) {
                    markers.add(new Svg.Marker(frac(at), "#1f77b4", "restart " + stage + " #" + value(Tree.get(r, "n")) + " ("
                            + Tree.get(r, "cause") + "), recovered in " + value(Tree.get(r, "recovery_ms")) + " ms"));
                }
            }
        });
        if (stages.isEmpty()) {
            body.append("<p><i>No health tick recorded.</i></p>");
            return;
        }
        body.append("<div class=\"c\">").append(Svg.lanes("health", "Health every tick (green healthy, amber degraded, red unhealthy);"
                + " red dashed: faults, blue: restarts", stages, spans, markers, minutes)).append("</div>");
    }

    private void alertsChart() {
        body.append("<h2>Alerts</h2>");
        List<String> rules = new ArrayList<>();
        for (Object r : Tree.list(m, "alerts.rules")) {
            rules.add(String.valueOf(Tree.get(r, "name")));
        }
        Map<String, List<Object[]>> spans = new LinkedHashMap<>();
        Map<String, Object[]> open = new TreeMap<>();
        for (Object t : Tree.list(m, "alerts.transitions")) {
            String rule = String.valueOf(Tree.get(t, "rule"));
            if (!rules.contains(rule)) {
                rules.add(rule);
            }
            String state = String.valueOf(Tree.get(t, "state"));
            long at = ms(Tree.get(t, "at"), startMs);
            Object[] o = open.remove(rule);
            if (o != null) {
                spans.computeIfAbsent(rule, k -> new ArrayList<>()).add(new Object[] {o[0], frac(at), o[1], o[2]});
            }
            if (state.equals("pending") || state.equals("firing")) {
                open.put(rule, new Object[] {frac(at), state.equals("firing") ? "#e53935" : "#ffb300",
                        rule + " " + state + " at " + Tree.get(t, "at")});
            }
        }
        open.forEach((rule, o) -> spans.computeIfAbsent(rule, k -> new ArrayList<>()).add(new Object[] {o[0], 1.0, o[1], o[2]}));
        if (rules.isEmpty()) {
            body.append("<p><i>No alert engine in this run.</i></p>");
            return;
        }
        int n = spans.values().stream().mapToInt(List::size).sum();
        body.append("<div class=\"c\">").append(Svg.lanes("alerts", "Alert states (amber pending, red firing; the end of a span is its resolution)"
                + (n == 0 ? ": no alert fired" : ""), rules, spans, faultMarkers(), minutes)).append("</div>");
    }

    /** Receive → committed in every sink, one line; {@code n/a (max-pace)} in a max-pace simulation. */
    static String latencyLine(Map<String, Object> m) {
        Object mode = Tree.get(m, "latency.mode");
        if (!(Tree.get(m, "latency.total") instanceof Map<?, ?> t)) {
            return mode == null ? "not recorded" : String.valueOf(mode);
        }
        if (num(Tree.get(t, "count")) == 0) {
            return mode + ": no decision committed";
        }
        return "receive → committed p50 " + value(Tree.get(t, "p50_ms")) + " ms, p99 " + value(Tree.get(t, "p99_ms"))
                + " ms, p99.9 " + value(Tree.get(t, "p999_ms")) + " ms, max " + value(Tree.get(t, "max_ms")) + " ms ("
                + value(Tree.get(t, "count")) + " decisions, " + mode + ")";
    }

    private void latencyTable() {
        body.append("<h2>End-to-end latency</h2>");
        if (!(Tree.get(m, "latency.hops") instanceof Map)) {
            body.append("<p><i>").append(Svg.esc(latencyLine(m))).append("</i></p>");
            return;
        }
        body.append("<p>").append(Svg.esc("Wall milliseconds, mode " + value(Tree.get(m, "latency.mode"))
                + "; the receipt is the source's stamp on the WebSocket frame, every other stamp the engine's."))
                .append("</p><table><tr><th>hop</th><th>count</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th></tr>");
        for (Object r : Reports.latencyRows(m)) {
            body.append("<tr>");
            for (String k : List.of("hop", "count", "p50_ms", "p99_ms", "p999_ms", "max_ms")) {
                body.append("<td>").append(Svg.esc(value(Tree.get(r, k)))).append("</td>");
            }
            body.append("</tr>");
        }
        body.append("</table>");
    }

    private void lagChart() {
        body.append("<h2>Receive lag</h2>");
        if (minuteLines.isEmpty()) {
            body.append("<p><i>No per-minute lag.</i></p>");
            return;
        }
        double[] xs = minuteXs();
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String p : List.of("p50", "p90", "p99", "max")) {
            double[] ys = new double[xs.length];
            boolean any = false;
            for (int i = 0; i < xs.length; i++) {
                ys[i] = Double.NaN;
                for (Object r : Tree.list(minuteLines.get(i), "symbols")) {
                    if ("all".equals(Tree.get(r, "symbol")) && Tree.get(r, "lag_ms." + p) instanceof Number v) {
                        ys[i] = v.doubleValue();
                        any = true;
                    }
                }
            }
            if (any) {
                series.put(p, ys);
            }
        }
        if (series.isEmpty()) {
            body.append("<p><i>No per-minute lag percentiles in the timeline.</i></p>");
        } else {
            body.append("<div class=\"c\">").append(Svg.lines("lag", "Receive lag percentiles per minute (ms, all symbols)", "minute",
                    xs, series, " ms", List.of())).append("</div>");
        }
        Object run = Tree.get(m, "harvester_metrics.receive_lag_ms");
        if (run instanceof Map<?, ?> l) {
            body.append("<p>Over the run: ");
            List<String> parts = new ArrayList<>();
            l.forEach((k, v) -> parts.add(k + " " + value(v)));
            body.append(Svg.esc(String.join(", ", parts))).append(" (ms).</p>");
        }
    }

    private void exportCharts() {
        body.append("<h2>Time-series export</h2>");
        if (Tree.get(m, "timeseries_export") == null) {
            body.append("<p><i>No time-series target in this run.</i></p>");
            return;
        }
        if (!ticks.isEmpty()) {
            int n = Math.max(1, (int) Math.ceil(minutes));
            double[] xs = new double[n];
            double[] ok = new double[n];
            double[] failed = new double[n];
            long lastOk = 0;
            long lastFailed = 0;
            for (Map<String, Object> t : ticks) {
                int minute = (int) Math.min(n - 1, Math.max(0, (ms(t.get("at"), startMs) - startMs - 1) / 60_000));
                long o = (long) num(t.get("exports_ok"));
                long f = (long) num(t.get("exports_failed"));
                ok[minute] += Math.max(0, o - lastOk);
                failed[minute] += Math.max(0, f - lastFailed);
                lastOk = Math.max(lastOk, o);
                lastFailed = Math.max(lastFailed, f);
            }
            for (int i = 0; i < n; i++) {
                xs[i] = i + 1;
            }
            Map<String, double[]> s = new LinkedHashMap<>();
            s.put("exports ok", ok);
            s.put("exports failed", failed);
            body.append("<div class=\"c\">").append(Svg.lines("exports", "Exports per minute, ok and failed", "minute", xs, s, "",
                    faultMarkers())).append("</div>");
        }
        Object lat = Tree.get(m, "timeseries_export.latency_ms");
        body.append("<table class=\"kv\">");
        kv("target", value(Tree.get(m, "timeseries_export.type")) + " " + value(Tree.get(m, "timeseries_export.target")));
        kv("exports", value(Tree.get(m, "timeseries_export.export_count")) + " ok, " + value(Tree.get(m, "timeseries_export.error_count"))
                + " failed, at most " + value(Tree.get(m, "timeseries_export.max_consecutive_failures")) + " failures in a row");
        if (lat instanceof Map<?, ?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach((k, v) -> parts.add(k + " " + value(v)));
            kv("latency (ms)", String.join(", ", parts));
        }
        kv("last error", value(Tree.get(m, "timeseries_export.last_error")));
        body.append("</table>");
    }

    private void resourceCharts() {
        body.append("<h2>Resources</h2>");
        List<Map<String, Object>> withRes = ticks.stream().filter(t -> t.get("rss_mb") != null).toList();
        if (withRes.isEmpty()) {
            body.append("<p><i>No resource samples in the timeline; maxima: RSS ").append(value(Tree.get(m, "resource_usage.max_rss_mb")))
                    .append(" MB, open files ").append(value(Tree.get(m, "resource_usage.max_open_files"))).append(".</p>");
            return;
        }
        double[] xs = new double[withRes.size()];
        double[] rss = new double[xs.length];
        double[] files = new double[xs.length];
        double[] threads = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            Map<String, Object> t = withRes.get(i);
            xs[i] = (ms(t.get("at"), startMs) - startMs) / 60_000.0;
            rss[i] = num(t.get("rss_mb"));
            files[i] = num(t.get("open_files"));
            threads[i] = num(t.get("threads"));
        }
        body.append("<div class=\"c\">").append(Svg.lines("rss", "Resident memory (MB)", "minute", xs, Map.of("RSS MB", rss), " MB",
                List.of())).append("</div>");
        Map<String, double[]> ft = new LinkedHashMap<>();
        ft.put("open files", files);
        ft.put("threads", threads);
        body.append("<div class=\"c\">").append(Svg.lines("files_threads", "Open files and threads", "minute", xs, ft, "",
                List.of())).append("</div>");
    }

    private void eventTables() {
        body.append("<h2>Faults</h2>");
        table(Tree.list(m, "faults"), List.of("at", "kind", "target", "effect", "end"), "No fault in this run.", true);
        body.append("<h2>Operator actions</h2>");
        table(Tree.list(m, "operator_actions"), List.of("at", "action", "target", "result", "ok"),
                "No operator action (nobody attached a shell, or nothing was done).", false);
        body.append("<h2>Bundles</h2>");
        table(Tree.list(m, "versions.updates"), List.of("at", "bundle", "from", "to", "how"), "No bundle was updated during the run.", false);
        if (Tree.get(m, "versions.bundles") instanceof Map<?, ?> b && !b.isEmpty()) {
            body.append("<details><summary>Bundle versions at the end (").append(b.size()).append(")</summary><table class=\"kv\">");
            b.forEach((k, v) -> kv(String.valueOf(k), String.valueOf(v)));
            body.append("</table></details>");
        }
    }

    private void table(List<Object> rows, List<String> cols, String empty, boolean sourceColumn) {
        if (rows.isEmpty()) {
            body.append("<p><i>").append(Svg.esc(empty)).append("</i></p>");
            return;
        }
        body.append("<table><tr>");
        cols.forEach(c -> body.append("<th>").append(c).append("</th>"));
        if (sourceColumn) {
            body.append("<th>source</th>");
        }
        body.append("</tr>");
        for (Object r : rows) {
            body.append("<tr>");
            for (String c : cols) {
                body.append("<td>").append(Svg.esc(value(Tree.get(r, c)))).append("</td>");
            }
            if (sourceColumn) {
                Object src = Tree.get(r, "params.source");
                body.append("<td>").append(src == null ? "scenario" : Svg.esc(String.valueOf(src))).append("</td>");
            }
            body.append("</tr>");
        }
        body.append("</table>");
    }

    private void evidence() {
        body.append("<h2>Where the evidence is</h2><p>In the run directory: <code>run_manifest.json</code>, "
                + "<code>source_manifest.json</code>, <code>parity_diff.json</code>, <code>timeline.jsonl</code>, "
                + "<code>reports/</code> (soak, fault-injection, time-series and alert reports; per-sink summaries), "
                + "<code>logs/soak.log</code>. Regenerate this page with <code>soak report &lt;run_dir&gt;</code>.</p>");
    }

    // ============================================================================================ values

    private double frac(long at) {
        return Math.max(0, Math.min(1, (at - startMs) / (double) (endMs - startMs)));
    }

    static long ms(Object iso, long dflt) {
        if (iso instanceof String s && !s.isBlank()) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (RuntimeException e) {
                return dflt;
            }
        }
        return dflt;
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    static String value(Object v) {
        if (v == null) {
            return "—";
        }
        if (v instanceof Double d) {
            return Svg.num(d);
        }
        if (v instanceof Number n) {
            return Svg.num(n.doubleValue());
        }
        if (v instanceof List<?> l) {
            return String.join(" → ", l.stream().map(HtmlReport::value).toList());
        }
        if (v instanceof Map<?, ?> mm) {
            List<String> parts = new ArrayList<>();
            mm.forEach((k, x) -> parts.add(k + " " + value(x)));
            return String.join(", ", parts);
        }
        return String.valueOf(v);
    }

    private static String dur(double s) {
        long r = Math.round(s);
        return r >= 3600 ? r / 3600 + " h " + r / 60 % 60 + " min" : r >= 60 ? r / 60 + " min " + r % 60 + " s"
                : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 12px}
            h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
            code{background:#f4f4f4;padding:0 3px;border-radius:3px}
            .pass{background:#2e7d32;color:#fff;padding:1px 8px;border-radius:4px}.fail{background:#c62828;color:#fff;padding:1px 8px;border-radius:4px}
            table{border-collapse:collapse;margin:6px 0;width:100%}th,td{border:1px solid #e0e0e0;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#fafafa;font-weight:600}table.kv th{width:170px}
            td:first-child,th:first-child{white-space:nowrap}tr.ok td:first-child{color:#2e7d32;font-weight:600}tr.bad td{background:#ffebee}tr.bad td:first-child{color:#c62828;font-weight:700}
            .c{margin:8px 0 14px}svg.chart{width:100%;height:auto;background:#fff}
            svg text{font:11px system-ui,sans-serif;fill:#555}svg text.t{font-size:13px;font-weight:600;fill:#222}
            svg text.yl{text-anchor:end}svg text.xl{text-anchor:middle}svg text.ml{font-size:10px}
            svg line.g{stroke:#eee}.legend span{margin-right:14px;font-size:12px;white-space:nowrap}
            .legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
            #tip{position:fixed;pointer-events:none;background:#222;color:#fff;font-size:12px;padding:2px 6px;border-radius:3px;display:none}
            """;

    /** Hover read-outs of the plotted points; marks the page ready (a browser test reads data-ready). */
    private static final String JS = """
            (function(){
              var tip=document.createElement('div');tip.id='tip';document.body.appendChild(tip);
              document.querySelectorAll('svg.chart circle, svg.chart rect.span, svg.chart line.marker').forEach(function(el){
                var t=el.querySelector('title');if(!t)return;var text=t.textContent;
                el.addEventListener('mousemove',function(e){tip.textContent=text;tip.style.display='block';
                  tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';});
                el.addEventListener('mouseleave',function(){tip.style.display='none';});
              });
              document.body.setAttribute('data-ready',String(document.querySelectorAll('svg.chart').length));
            })();
            """;
}
