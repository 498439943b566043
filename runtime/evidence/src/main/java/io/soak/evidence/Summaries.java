package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.stats.MinuteStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-sink daily summary: {@code reports/summary_<sink>.json} and {@code .md}, computed from that
 * sink's own rows only, so that the two sinks' summaries are independent evidence that must agree. The
 * runtime state, harvester SLOs, restarts, alerts and time-series export status are copied from the
 * manifest; a section the manifest lacks says so instead of being left out.
 */
final class Summaries {

    private Summaries() {
    }

    /** The summary document of one side over the run's aligned minute window. */
    static Map<String, Object> document(String runId, SinkSide side, long[] window, Map<String, Object> manifest,
                                        ZoneId zone) {
        Markdown fmt = new Markdown(zone, null);
        List<List<MinuteStats>> table = side.table(window[0], window[1]);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("sink", side.sink);
        doc.put("run_id", runId);
        doc.put("scenario", Tree.get(manifest, "scenario"));
        doc.put("computed_from", "rows read back from the " + side.sink + " sink's own files");
        doc.put("time_zone", zone.getId());
        Map<String, Object> period = new LinkedHashMap<>();
        if (side.firstTsMs != Long.MAX_VALUE) {
            period.put("first_event", Instant.ofEpochMilli(side.firstTsMs).toString());
            period.put("last_event", Instant.ofEpochMilli(side.lastTsMs).toString());
            period.put("first_event_local", fmt.time(side.firstTsMs));
            period.put("last_event_local", fmt.time(side.lastTsMs));
        } else {
            period.put("status", "no rows in this sink");
        }
        doc.put("period", period);
        MinuteStats t = side.totalStats();
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("rows", side.rows);
        totals.put("rows_by_topic", new TreeMap<>(side.rowsByTopic));
        totals.put("decisions", t.decisions());
        totals.put("total", t.total());
        totals.put("strong", t.strong());
        totals.put("strong_ratio", t.strongRatio());
        totals.put("buys", t.buys());
        totals.put("sells", t.sells());
        totals.put("orders", t.orders());
        totals.put("fills", t.fills());
        totals.put("low_consistency_share", t.lowConsistencyShare());
        totals.put("missing_rows", side.missingRows);
        totals.put("duplicate_rows", side.duplicateCount);
        totals.put("content_hash", side.contentHash());
        doc.put("totals", totals);
        doc.put("gating_breakdown", t.gatingBreakdown());
        List<Map<String, Object>> perMinute = new ArrayList<>();
        Map<String, Map<String, Long>> perSymbol = new TreeMap<>();
        for (List<MinuteStats> minute : table) {
            for (MinuteStats s : minute) {
                if (s.symbol().equals(MinuteStats.ALL)) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("minute_start", Instant.ofEpochMilli(s.minuteStartMs()).toString());
                    r.put("minute_start_local", fmt.time(s.minuteStartMs()));
                    r.put("decisions", s.decisions());
                    r.put("total", s.total());
                    r.put("strong", s.strong());
                    r.put("strong_ratio", s.strongRatio());
                    r.put("low_consistency_share", s.lowConsistencyShare());
                    r.put("buys", s.buys());
                    r.put("sells", s.sells());
                    r.put("orders", s.orders());
                    r.put("fills", s.fills());
                    r.put("gating_breakdown", s.gatingBreakdown());
                    perMinute.add(r);
                } else {
                    Map<String, Long> acc = perSymbol.computeIfAbsent(s.symbol(), k -> new LinkedHashMap<>());
                    acc.merge("decisions", s.decisions(), Long::sum);
                    acc.merge("total", s.total(), Long::sum);
                    acc.merge("strong", s.strong(), Long::sum);
                    acc.merge("buys", s.buys(), Long::sum);
                    acc.merge("sells", s.sells(), Long::sum);
                    acc.merge("orders", s.orders(), Long::sum);
                    acc.merge("fills", s.fills(), Long::sum);
                }
            }
        }
        doc.put("per_minute", perMinute);
        doc.put("per_symbol", perSymbol);
        doc.put("runtime_state", runtimeState(side, table, manifest, fmt));
        return doc;
    }

    private static Map<String, Object> runtimeState(SinkSide side, List<List<MinuteStats>> table,
                                                    Map<String, Object> manifest, Markdown fmt) {
        Map<String, Object> rs = new LinkedHashMap<>();
        Map<String, Object> symbols = new TreeMap<>();
        side.lastDecision.forEach((sym, d) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("regime", d.regime());
            m.put("spread_bps", d.spreadBps());
            m.put("activity_decisions_last_60s", side.activity(sym));
            m.put("last_signal_type", d.signalType());
            m.put("last_score", d.score());
            m.put("last_decision_at", Instant.ofEpochMilli(d.tsMs()).toString());
            m.put("last_decision_at_local", fmt.time(d.tsMs()));
            symbols.put(sym, m);
        });
        rs.put("symbols", symbols.isEmpty() ? Map.of("status", "no decision rows in this sink") : symbols);
        Map<String, Object> slo = new LinkedHashMap<>();
        Object hm = Tree.get(manifest, "harvester_metrics");
        if (hm instanceof Map<?, ?>) {
            for (String k : List.of("queue_dropped", "substream_timeout_detected", "reconnect_count", "parse_errors",
                    "duplicates", "book_resyncs", "receive_lag_ms")) {
                slo.put(k, Tree.get(hm, k) == null ? "not recorded" : Tree.get(hm, k));
            }
        } else {
            slo.put("status", "not recorded in the manifest (no harvest stage in this run?)");
        }
        rs.put("harvester_slos", slo);
        Map<String, Object> restarts = new LinkedHashMap<>();
        restarts.put("restart_backoff_pattern", Tree.list(manifest, "restart_backoff_pattern"));
        Map<String, Object> perStage = new TreeMap<>();
        Tree.map(manifest, "status.processes").forEach((stage, v) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("state", Tree.get(v, "state"));
            m.put("restart_count", Tree.get(v, "restart_count"));
            m.put("max_recovery_ms", Tree.get(v, "max_recovery_ms"));
            m.put("restarts", Tree.get(v, "restarts") == null ? List.of() : Tree.get(v, "restarts"));
            perStage.put(stage, m);
        });
        restarts.put("processes", perStage.isEmpty() ? Map.of("status", "no process status in the manifest") : perStage);
        rs.put("restarts", restarts);
        rs.put("alerts", Tree.section(manifest, "alerts", "no alerts section in the manifest (alert engine not in this run)"));
        rs.put("timeseries_export", Tree.section(manifest, "timeseries_export",
                "no timeseries_export section in the manifest (no time-series target in this run)"));
        return rs;
    }

    /** The Markdown form of a summary document. */
    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> doc, ZoneId zone, ObjectMapper json) {
        Markdown md = new Markdown(zone, json);
        md.h1("Daily summary: " + doc.get("sink") + " sink, run " + doc.get("run_id"));
        md.p("Computed from " + doc.get("computed_from") + ". Times in " + zone.getId() + " (stored in UTC).");
        Map<String, Object> period = new LinkedHashMap<>((Map<String, Object>) doc.get("period"));
        period.keySet().removeIf(k -> k.endsWith("_local"));
        md.h2("Period").keyValues(period, "no rows");
        md.h2("Totals").keyValues(doc.get("totals"), "no rows");
        md.h2("Gating breakdown (guard reason → decisions)").keyValues(doc.get("gating_breakdown"),
                "no decision carried a guard reason");
        md.h2("Per symbol").keyValues(doc.get("per_symbol"), "no symbols");
        List<Object> perMinute = new ArrayList<>();
        for (Object o : (List<Object>) doc.get("per_minute")) {
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) o);
            m.remove("minute_start");
            m.remove("gating_breakdown");
            perMinute.add(m);
        }
        md.h2("Per minute (all symbols)").records(perMinute, "no minutes");
        Map<String, Object> rs = (Map<String, Object>) doc.get("runtime_state");
        md.h2("Runtime state at the end");
        Object symbols = rs.get("symbols");
        if (symbols instanceof Map<?, ?> sm && !sm.containsKey("status")) {
            List<Object> rows = new ArrayList<>();
            sm.forEach((k, v) -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("symbol", k);
                r.putAll((Map<String, Object>) v);
                r.remove("last_decision_at");
                rows.add(r);
            });
            md.records(rows, "no symbols");
        } else {
            md.keyValues(symbols, "no symbols");
        }
        md.h2("Harvester SLOs").keyValues(rs.get("harvester_slos"), "not recorded");
        Map<String, Object> restarts = (Map<String, Object>) rs.get("restarts");
        md.h2("Restarts").p("Backoff pattern applied (ms): " + md.cell(restarts.get("restart_backoff_pattern")));
        md.keyValues(restarts.get("processes"), "no process status");
        md.h2("Alerts").keyValues(rs.get("alerts"), "no alerts section");
        md.h2("Time-series export").keyValues(rs.get("timeseries_export"), "no time-series export section");
        return md.toString();
    }

    /**
     * After the verdict: the copies of the manifest sections written after the summaries (the time-series run
     * summary is pushed once the verdict is known) are refreshed in every {@code summary_<sink>.json|md}, so the
     * evidence agrees with the final manifest leaf by leaf.
     */
    @SuppressWarnings("unchecked")
    static void refreshCopies(Path reports, Map<String, Object> manifest, ZoneId zone, ObjectMapper json) throws IOException {
        if (!Files.isDirectory(reports)) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(reports, "summary_*.json")) {
            for (Path f : ds) {
                Map<String, Object> doc = json.readValue(f.toFile(), LinkedHashMap.class);
                if (!(doc.get("runtime_state") instanceof Map<?, ?> rs)) {
                    continue;
                }
                Map<String, Object> state = (Map<String, Object>) rs;
                state.put("alerts", Tree.section(manifest, "alerts", "no alerts section in the manifest (alert engine not in this run)"));
                state.put("timeseries_export", Tree.section(manifest, "timeseries_export",
                        "no timeseries_export section in the manifest (no time-series target in this run)"));
                String name = f.getFileName().toString();
                write(reports, name.substring("summary_".length(), name.length() - ".json".length()), doc, zone, json);
            }
        }
    }

    static void write(Path reports, String sink, Map<String, Object> doc, ZoneId zone, ObjectMapper json)
            throws IOException {
        Files.createDirectories(reports);
        atomic(reports.resolve("summary_" + sink + ".json"),
                json.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        atomic(reports.resolve("summary_" + sink + ".md"), markdown(doc, zone, json));
    }

    static void atomic(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a full disk or a permission error leaves no empty .tmp behind
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
