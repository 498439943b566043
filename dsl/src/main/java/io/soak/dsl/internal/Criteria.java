package io.soak.dsl.internal;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The expectation vocabulary: every helper of {@code expect { }} (and the implicit scenario's acceptance
 * card) is sugar for a {@link Criterion} over a canonical run-manifest path. The evaluator stays generic.
 */
public final class Criteria {

    /** Operators the engine's evaluator understands. */
    public static final Set<String> OPS = Set.of("==", "!=", "<", "<=", ">", ">=", "contains", "in_order");

    /** Comparator keys of the map form ({@code maxRssMb below: 600}) and their operators. */
    public static final Map<String, String> COMPARATORS = Map.of(
            "below", "<", "atMost", "<=", "atLeast", ">=", "above", ">", "equals", "==", "is", "==", "not", "!=");

    /**
     * The baseline criteria every run carries (the engine's {@code Baseline}); a scenario waives one, or a family,
     * only explicitly with {@code waive '<name>', because: '…'} (recorded in the manifest's plan and verdict).
     */
    public static final List<String> BASELINE = List.of("run_completed", "messages_handled", "substream", "decisions",
            "book_synced", "live_connected", "cluster_sent", "cluster_received",
            "evidence_consistent");
    /** The operator of a waiver (the engine's {@code Baseline.WAIVE_OP}). */
    public static final String WAIVE_OP = "waive";

    private Criteria() {
    }

    /** A waiver of the baseline criterion (or family) {@code name}: not a check, the reason is its description. */
    public static Criterion waiver(String name, String reason) {
        return new Criterion("waive." + name, "baseline", WAIVE_OP, name, reason);
    }

    static Criterion of(String name, String path, String op, Object expected, String description) {
        if (!OPS.contains(op)) {
            throw new DslError("unknown expect operator '" + op + "'; known: ==, !=, <, <=, >, >=, contains, in_order");
        }
        return new Criterion(name, path, op, expected, description);
    }

    private static String says(String what, String op, Object expected) {
        return what + " " + op + " " + expected;
    }

    public static Criterion healthGreenRatio(String op, Object v) {
        return of("health_green_ratio", "health.green_ratio", op, v, says("share of green health checks", op, v));
    }

    public static Criterion stageGreenRatio(String stage, String op, Object v) {
        return of("health_green_ratio_" + stage, "health.per_stage." + stage + ".green_ratio", op, v,
                says("share of green health checks of " + stage, op, v));
    }

    public static Criterion restarted(String stage) {
        return of(stage + "_restarted", "status.processes." + stage + ".restart_count", ">=", 1L,
                stage + " was restarted at least once (restart_count >= 1)");
    }

    public static Criterion recoveryWithin(String stage, long ms) {
        return of(stage + "_recovery_ms", "status.processes." + stage + ".max_recovery_ms", "<=", ms,
                stage + " was running again within " + ms + " ms of every failure");
    }

    public static Criterion maxRssMb(String op, Object v) {
        return of("max_rss_mb", "resource_usage.max_rss_mb", op, v, says("peak resident memory (MB)", op, v));
    }

    /** {@code latency 'p99', below: 50.millis}: receive → a decision committed in every sink (live and paced runs). */
    public static Criterion latency(String percentile, String op, Object v) {
        return of("latency_" + percentile + "_ms", "latency.total." + percentile + "_ms", op, v,
                says("end-to-end latency " + percentile + " (ms, receive → committed in every sink; missing at max pace)", op, v));
    }

    public static Criterion maxOpenFiles(String op, Object v) {
        return of("max_open_files", "resource_usage.max_open_files", op, v, says("peak open files", op, v));
    }

    public static Criterion maxThreads(String op, Object v) {
        return of("max_threads", "resource_usage.max_threads", op, v, says("peak threads", op, v));
    }

    public static Criterion shutdownOrder(List<String> stages) {
        return of("shutdown_order", "shutdown.sequence", "in_order", List.copyOf(stages),
                "stages stopped in the order " + String.join(" → ", stages));
    }

    public static List<Criterion> cleanShutdown() {
        return List.of(
                of("shutdown_clean", "shutdown.clean", "==", true, "graceful stop: every process exited, data committed"),
                of("shutdown_residual", "shutdown.residual_total", "==", 0L, "no residual queue at stop"));
    }

    public static Criterion queueDropped(long max) {
        return of("queue_dropped", "harvester_metrics.queue_dropped", max == 0 ? "==" : "<=", max,
                "ingress messages dropped " + (max == 0 ? "== 0" : "<= " + max));
    }

    public static Criterion substreamTimeout(boolean allowed) {
        return of("substream_timeout", "harvester_metrics.substream_timeout_detected", "==", allowed,
                "substream timeout detected == " + allowed);
    }

    public static Criterion reconnectsAtMost(long max) {
        return of("reconnect_count", "harvester_metrics.reconnect_count", "<=", max, "WebSocket reconnects <= " + max);
    }

    public static Criterion parseErrorsAtMost(long max) {
        return of("parse_errors", "harvester_metrics.parse_errors", max == 0 ? "==" : "<=", max,
                "unparsable messages " + (max == 0 ? "== 0" : "<= " + max));
    }

    public static Criterion receiveLagP99Ms(String op, Object v) {
        return of("receive_lag_p99_ms", "harvester_metrics.receive_lag_ms.p99", op, v, says("p99 receive lag (ms)", op, v));
    }

    public static Criterion exportsAtLeast(long n) {
        return of("export_count", "timeseries_export.export_count", ">=", n, "time-series exports >= " + n);
    }

    public static Criterion exportErrorsAtMost(long n) {
        return of("export_errors", "timeseries_export.error_count", n == 0 ? "==" : "<=", n,
                "time-series export errors " + (n == 0 ? "== 0" : "<= " + n));
    }

    public static List<Criterion> parityWithin(double pct) {
        List<Criterion> out = new ArrayList<>();
        for (String f : List.of("total", "confirm", "strong_ratio")) {
            out.add(of("parity_" + f + "_diff_pct", "parity." + f + "_diff_pct", "<", pct,
                    "JSONL vs SQLite " + f + " difference < " + pct + " %"));
        }
        return out;
    }

    public static Criterion parityExact() {
        return of("parity_exact", "parity.exact_match", "==", true, "JSONL and SQLite hold exactly the same rows");
    }

    public static Criterion alertFired(String rule) {
        return of("alert_fired_" + rule, "alerts.fired_rules", "contains", rule, "alert " + rule + " fired");
    }

    public static Criterion alertResolved(String rule) {
        return of("alert_resolved_" + rule, "alerts.resolved_rules", "contains", rule, "alert " + rule + " resolved");
    }

    public static Criterion brokerInvariants() {
        return of("broker_invariants", "broker.invariants_ok", "==", true,
                "paper broker invariants hold (positions, PnL and fees recomputed from fills)");
    }

    public static Criterion minutesClosed(String op, Object v) {
        return of("minutes_closed", "minutes.closed", op, v, says("closed minutes", op, v));
    }

    public static Criterion published(String topic, String op, Object v) {
        return of(topic + "_published", "bus.topics." + topic + ".published", op, v, says(topic + " events published", op, v));
    }

    public static Criterion dropped(String topic, String op, Object v) {
        return of(topic + "_dropped", "bus.topics." + topic + ".dropped", op, v, says(topic + " events dropped", op, v));
    }

    public static Criterion metric(String name, String path, String op, Object v) {
        return of(name, path, op, v, says(path, op, v));
    }

    /** A criterion's name from a path: {@code bus.topics.decision.published} → {@code bus_topics_decision_published}. */
    public static String nameOf(String path) {
        return path.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "").toLowerCase(Locale.ROOT);
    }

    /**
     * The acceptance card (ACCEPTANCE.md "Definition of done") for a plan with these parts: health ≥ 98 %,
     * exports at least once per minute without errors, dual-sink parity < 0.5 %, harvester SLOs, resources,
     * shutdown order, recovery within 12 s of every kill/crash, broker invariants. Parts that the plan does not
     * have (no harvest stage, one sink, time series off, no WebSocket to reconnect in replay) are left out.
     *
     * @param webSocket true when the source is a live WebSocket (only then is {@code reconnect_count} measured)
     */
    public static List<Criterion> acceptanceCard(List<String> stages, List<String> sinks, String timeseriesType,
                                                 Duration duration, List<FaultSpec> faults, boolean webSocket) {
        List<Criterion> out = new ArrayList<>();
        out.add(healthGreenRatio(">=", 0.98));
        if (!"none".equals(timeseriesType)) {
            out.add(exportsAtLeast(Math.max(1, duration.toMinutes())));
            out.add(exportErrorsAtMost(0));
        }
        if (sinks.contains("jsonl") && sinks.contains("sqlite")) {
            out.addAll(parityWithin(0.5));
        }
        if (stages.contains("harvest")) {
            out.add(queueDropped(0));
            out.add(substreamTimeout(false));
            if (webSocket) {
                out.add(reconnectsAtMost(3));
            }
        }
        out.add(maxRssMb("<", 600L));
        out.add(maxOpenFiles("<", 256L));
        List<String> reversed = new ArrayList<>(stages);
        java.util.Collections.reverse(reversed);
        out.add(shutdownOrder(reversed));
        out.addAll(cleanShutdown());
        for (FaultSpec f : faults) {
            if ((f.kind().equals("kill") || f.kind().equals("crash")) && stages.contains(f.target())) {
                out.add(restarted(f.target()));
                out.add(recoveryWithin(f.target(), 12_000L));
            }
        }
        if (stages.contains("broker")) {
            out.add(brokerInvariants());
        }
        return out;
    }
}
