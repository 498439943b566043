package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four verification reports, written after the verdict: each opens with the pass/fail table of the
 * acceptance criteria with their observed values, then the detail of its own manifest sections.
 */
final class Reports {

    static final List<String> FILES = List.of("soak_report.md", "fault_injection_report.md",
            "timeseries_export_report.md", "alert_verification_report.md");

    private Reports() {
    }

    static void writeAll(Path reports, Map<String, Object> manifest, ZoneId zone, ObjectMapper json) throws IOException {
        java.nio.file.Files.createDirectories(reports);
        Summaries.atomic(reports.resolve(FILES.get(0)), soak(manifest, zone, json));
        Summaries.atomic(reports.resolve(FILES.get(1)), faults(manifest, zone, json));
        Summaries.atomic(reports.resolve(FILES.get(2)), timeseries(manifest, zone, json));
        Summaries.atomic(reports.resolve(FILES.get(3)), alerts(manifest, zone, json));
    }

    private static Markdown open(String title, Map<String, Object> manifest, ZoneId zone, ObjectMapper json) {
        Markdown md = new Markdown(zone, json);
        md.h1(title + ": run " + Tree.get(manifest, "run_id"));
        md.p("Scenario `" + Tree.get(manifest, "scenario") + "`, mode " + Tree.get(manifest, "mode") + ", pace "
                + Tree.get(manifest, "pace") + ", from " + md.cell(Tree.get(manifest, "started_at")) + " to "
                + md.cell(Tree.get(manifest, "ended_at")) + " (" + md.cell(Tree.get(manifest, "duration_s"))
                + " s engine time, " + md.cell(Tree.get(manifest, "wall_time_s")) + " s wall time). Times in "
                + zone.getId() + ".");
        md.criteria(Tree.get(manifest, "verdict"));
        return md;
    }

    static String soak(Map<String, Object> m, ZoneId zone, ObjectMapper json) {
        Markdown md = open("Soak test report", m, zone, json);
        Map<String, Object> health = Tree.map(m, "health");
        health.remove("history");
        md.h2("Health").keyValues(health, "no health section in the manifest");
        md.h2("Processes").records(processes(m), "no process status in the manifest");
        md.h2("Resources").keyValues(Tree.get(m, "resource_usage"), "no resource_usage section in the manifest");
        md.h2("End-to-end latency (ms, wall)");
        if (!(Tree.get(m, "latency.hops") instanceof Map)) {
            md.p("Latency: " + md.cell(Tree.get(m, "latency.mode") == null ? "not recorded" : Tree.get(m, "latency.mode")) + ".");
        } else {
            md.p("Mode " + md.cell(Tree.get(m, "latency.mode")) + "; total = receive → a decision row committed in every sink.");
            md.records(latencyRows(m), "no latency recorded");
        }
        md.h2("Harvester SLOs").keyValues(Tree.get(m, "harvester_metrics"), "no harvester_metrics section in the manifest");
        md.h2("Dual-sink parity").keyValues(Tree.get(m, "parity"), "no parity section in the manifest");
        md.h2("Minutes (report stage)").keyValues(Tree.get(m, "minutes"), "no minutes section in the manifest");
        md.h2("Paper broker").keyValues(Tree.get(m, "broker"), "no broker section in the manifest");
        md.h2("Bus").keyValues(Tree.get(m, "bus.topics"), "no bus section in the manifest");
        md.h2("Graceful shutdown").records(Tree.get(m, "shutdown_order"), "no shutdown_order in the manifest");
        md.keyValues(Tree.get(m, "shutdown"), "no shutdown section in the manifest");
        md.h2("Evidence files").p(String.join(", ", List.of(io.soak.api.run.RunDirectory.MANIFEST, io.soak.api.run.RunDirectory.SOURCE_MANIFEST,
                io.soak.api.run.RunDirectory.PARITY_DIFF, "reports/summary_<sink>.json|md", String.join(", ", FILES))));
        return md.toString();
    }

    static String faults(Map<String, Object> m, ZoneId zone, ObjectMapper json) {
        Markdown md = open("Fault-injection report", m, zone, json);
        md.h2("Faults injected").records(Tree.get(m, "faults"), "no fault was injected in this run");
        md.h2("Operator actions (soak shell)").records(Tree.get(m, "operator_actions"),
                "no operator action in this run");
        md.h2("Bundle updates (hot deploy, swap)").records(Tree.get(m, "versions.updates"), "no bundle was updated during the run");
        md.h2("Restarts per process").records(processes(m), "no process status in the manifest");
        md.p("Backoff pattern actually applied (ms, in order): " + md.cell(Tree.list(m, "restart_backoff_pattern")));
        Tree.map(m, "status.processes").forEach((stage, v) -> {
            Object restarts = Tree.get(v, "restarts");
            if (restarts instanceof List<?> l && !l.isEmpty()) {
                md.h2("Restarts of " + stage + " (cause, backoff, time to recover)").records(l, "none");
            }
        });
        return md.toString();
    }

    static String timeseries(Map<String, Object> m, ZoneId zone, ObjectMapper json) {
        Markdown md = open("Time-series export verification report", m, zone, json);
        Map<String, Object> ts = Tree.map(m, "timeseries_export");
        Object latency = ts.remove("latency_ms");
        Object readBack = ts.remove("read_back");
        ts.remove("minutes"); // per-minute list: in the manifest
        md.h2("Export").keyValues(ts, "no timeseries_export section in the manifest (no time-series target in this run)");
        // export_count counts exports whose points a query of the target found; sent_count the 2xx answers
        md.h2("Read-back (points written vs found in the target)").keyValues(readBack, "no read-back recorded");
        md.h2("Export latency (ms)").keyValues(latency, "no latency recorded");
        md.h2("Target (plan, secrets redacted)").keyValues(Tree.get(m, "plan.timeseries"), "no time-series target in the plan");
        return md.toString();
    }

    static String alerts(Map<String, Object> m, ZoneId zone, ObjectMapper json) {
        Markdown md = open("Alert rule verification report", m, zone, json);
        Object alerts = Tree.get(m, "alerts");
        if (!(alerts instanceof Map)) {
            return md.p("_no alerts section in the manifest (alert engine not in this run)_").toString();
        }
        md.h2("Totals").keyValues(Tree.get(alerts, "totals"), "no totals");
        md.h2("Triggered").records(Tree.get(alerts, "triggered"), "no alert fired");
        md.h2("Recovered").records(Tree.get(alerts, "recovered"), "no alert recovered");
        md.h2("Rules fired / resolved").table(List.of("fired", "resolved", "active at end"), List.of(List.of(
                Tree.list(alerts, "fired_rules"), Tree.list(alerts, "resolved_rules"), Tree.list(alerts, "active_at_end"))));
        md.h2("Every transition").records(Tree.get(alerts, "transitions"), "no transition");
        md.h2("Rules in the plan").records(Tree.get(m, "plan.alerts"), "no alert rules in the plan");
        return md.toString();
    }

    /** The manifest's latency section as rows: total first, then every hop. */
    static List<Object> latencyRows(Map<String, Object> m) {
        List<Object> rows = new ArrayList<>();
        Object total = Tree.get(m, "latency.total");
        if (total instanceof Map<?, ?>) {
            rows.add(latencyRow("total: receive_to_committed (every sink)", total));
        }
        Tree.map(m, "latency.hops").forEach((hop, byPart) -> {
            if (byPart instanceof Map<?, ?> parts) {
                parts.forEach((part, v) -> rows.add(latencyRow(hop + " " + part, v)));
            }
        });
        return rows;
    }

    private static Map<String, Object> latencyRow(String hop, Object v) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("hop", hop);
        for (String k : List.of("count", "p50_ms", "p99_ms", "p999_ms", "max_ms")) {
            r.put(k, Tree.get(v, k));
        }
        return r;
    }

    private static List<Object> processes(Map<String, Object> m) {
        List<Object> rows = new ArrayList<>();
        Tree.map(m, "status.processes").forEach((stage, v) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("stage", stage);
            for (String k : List.of("state", "restart_count", "max_recovery_ms", "health_green_ratio", "handled")) {
                r.put(k, Tree.get(v, k));
            }
            rows.add(r);
        });
        return rows;
    }
}
