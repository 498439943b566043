package io.soak.export;

import io.soak.alerts.AlertRule;
import io.soak.alerts.AlertState;
import io.soak.api.export.MetricSample;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.stage.HealthState;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.RunStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the metric snapshot of DOMAIN.md 7 from the closed minutes, the run status and the alert states.
 * Counters ({@code *_total}) are cumulative since the run started; {@code soak_last_minute_*}, ratios and shares
 * are the last closed minute's. Every sample carries {@code run_id} and {@code sink}; per-symbol families carry
 * {@code symbol} (never {@code all}: {@code sum()} over symbols gives the run's figure), run-wide families have
 * no {@code symbol}, and the all-symbols figures that are not additive (ratios, shares, lag percentiles) are
 * families of their own ({@code soak_all_symbols_*}). Names pass {@code promtool check metrics}: base units
 * (seconds, bytes), {@code _total} only on counters, nothing counted in minutes. Every snapshot holds every series seen so far (a Pushgateway PUT replaces the
 * whole group), in a fixed order.
 */
public final class MetricsBuilder {

    private static final String[][] MINUTE_GAUGES = {
            {"decisions", "Decisions in the last closed minute"},
            {"signals", "Confirmed decisions in the last closed minute (the card's total)"},
            {"strong", "Strong confirmed decisions in the last closed minute"},
            {"buys", "Confirmed buy decisions in the last closed minute"},
            {"sells", "Confirmed sell decisions in the last closed minute"},
            {"orders", "Paper orders in the last closed minute"},
            {"fills", "Paper fills in the last closed minute"},
            {"feed_messages", "Feed messages in the last closed minute"}};

    private final String runId;
    private final String sink;
    private final Map<String, long[]> cumulative = new TreeMap<>(); // decisions,total,strong,orders,fills,feed
    private final Map<String, Map<String, Long>> gatingTotals = new TreeMap<>();
    private final Map<String, MinuteStats> lastRows = new TreeMap<>();
    private final TreeSet<String> reasons = new TreeSet<>();
    private long lastMinuteStartMs = -1;
    private long minutesClosed;
    private final List<MetricSample> extra = new ArrayList<>();

    public MetricsBuilder(String runId, List<String> sinks) {
        this.runId = runId;
        this.sink = sinkLabel(sinks);
    }

    /** {@code jsonl}, {@code sqlite}, {@code dual} (both), or the names joined with {@code +}. */
    static String sinkLabel(List<String> sinks) {
        if (sinks == null || sinks.isEmpty()) {
            return "none";
        }
        if (sinks.size() == 1) {
            return sinks.get(0);
        }
        if (new TreeSet<>(sinks).equals(new TreeSet<>(List.of("jsonl", "sqlite")))) {
            return "dual";
        }
        return String.join("+", sinks);
    }

    /** Takes one closed minute (per-symbol rows and the {@code all} row). */
    public void minute(List<MinuteStats> rows) {
        if (rows.isEmpty()) {
            return;
        }
        long start = rows.get(0).minuteStartMs();
        // a symbol missing from this minute had a minute of zeros
        for (String s : lastRows.keySet()) {
            lastRows.put(s, zero(start, s));
        }
        for (MinuteStats r : rows) {
            lastRows.put(r.symbol(), r);
            long[] c = cumulative.computeIfAbsent(r.symbol(), k -> new long[6]);
            c[0] += r.decisions();
            c[1] += r.total();
            c[2] += r.strong();
            c[3] += r.orders();
            c[4] += r.fills();
            c[5] += r.feedMessages();
            Map<String, Long> g = gatingTotals.computeIfAbsent(r.symbol(), k -> new TreeMap<>());
            r.gatingBreakdown().forEach((k, v) -> {
                g.merge(k, v, Long::sum);
                reasons.add(k);
            });
        }
        lastMinuteStartMs = Math.max(lastMinuteStartMs, start);
        minutesClosed++;
    }

    private static MinuteStats zero(long start, String symbol) {
        return new MinuteStats(start, symbol, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, Map.of());
    }

    /**
     * The snapshot to export now.
     *
     * @param status       the run status (null before the first health tick)
     * @param alerts       current alert states by rule, in rule order
     * @param rules        the alert rules (for the level label)
     * @param exportErrors failed exports so far
     */
    public MetricsSnapshot snapshot(long timeMs, RunStatus status, Map<String, AlertState> alerts, List<AlertRule> rules,
                                    long exportErrors, boolean last) {
        List<MetricSample> out = new ArrayList<>();
        for (var e : lastRows.entrySet()) {
            String sym = e.getKey();
            if (MinuteStats.ALL.equals(sym)) {
                continue; // the all-symbols row: only its non-additive figures, in families of their own (below)
            }
            MinuteStats r = e.getValue();
            long[] c = cumulative.get(sym);
            add(out, "soak_signals_total", "Confirmed decisions since the run started", "counter", sym, Map.of(), c[1]);
            add(out, "soak_decisions_total", "Decisions since the run started", "counter", sym, Map.of(), c[0]);
            add(out, "soak_strong_total", "Strong confirmed decisions since the run started", "counter", sym, Map.of(), c[2]);
            add(out, "soak_orders_total", "Paper orders since the run started", "counter", sym, Map.of(), c[3]);
            add(out, "soak_fills_total", "Paper fills since the run started", "counter", sym, Map.of(), c[4]);
            add(out, "soak_feed_messages_total", "Feed messages since the run started", "counter", sym, Map.of(), c[5]);
            Map<String, Long> g = gatingTotals.getOrDefault(sym, Map.of());
            for (String reason : reasons) {
                add(out, "soak_gating_total", "Decisions blocked or flagged by a guard reason since the run started",
                        "counter", sym, Map.of("reason", reason), g.getOrDefault(reason, 0L));
            }
            add(out, "soak_strong_ratio", "strong / total of the last closed minute (0 when total is 0)", "gauge", sym,
                    Map.of(), r.strongRatio());
            add(out, "soak_low_consistency_share", "Share of decisions with low_consistency in the last closed minute",
                    "gauge", sym, Map.of(), r.lowConsistencyShare());
            long[] minute = {r.decisions(), r.total(), r.strong(), r.buys(), r.sells(), r.orders(), r.fills(),
                    r.feedMessages()};
            for (int i = 0; i < MINUTE_GAUGES.length; i++) {
                add(out, "soak_last_minute_" + MINUTE_GAUGES[i][0], MINUTE_GAUGES[i][1], "gauge", sym, Map.of(), minute[i]);
            }
            for (String reason : reasons) {
                add(out, "soak_last_minute_gating", "Decisions per guard reason in the last closed minute", "gauge", sym,
                        Map.of("reason", reason), r.gatingBreakdown().getOrDefault(reason, 0L));
            }
            for (var l : r.latencyMs().entrySet()) {
                add(out, "soak_lag_seconds", "Lag percentiles of the last closed minute, seconds", "gauge", sym,
                        Map.of("stat", l.getKey()), l.getValue() / 1000.0);
            }
        }
        MinuteStats all = lastRows.get(MinuteStats.ALL);
        if (all != null) {
            // not additive over symbols, so not derivable by sum(): the report stage's all-symbols figures
            add(out, "soak_all_symbols_strong_ratio", "strong / total of the last closed minute over all symbols", "gauge",
                    null, Map.of(), all.strongRatio());
            add(out, "soak_all_symbols_low_consistency_share",
                    "Share of decisions with low_consistency in the last closed minute over all symbols", "gauge", null,
                    Map.of(), all.lowConsistencyShare());
            for (var l : all.latencyMs().entrySet()) {
                add(out, "soak_all_symbols_lag_seconds", "Lag percentiles of the last closed minute over all symbols, seconds",
                        "gauge", null, Map.of("stat", l.getKey()), l.getValue() / 1000.0);
            }
        }
        if (lastMinuteStartMs >= 0) {
            add(out, "soak_last_minute_start_timestamp_seconds", "Start of the last closed minute (engine time), Unix seconds",
                    "gauge", null, Map.of(), lastMinuteStartMs / 1000.0);
        }
        add(out, "soak_stats_windows_closed_total", "Closed one-minute statistics windows since the run started", "counter",
                null, Map.of(), minutesClosed);
        if (status != null) {
            for (RunStatus.StageStatus s : status.stages()) {
                add(out, "soak_stage_health", "Stage health: 0 healthy, 1 degraded, 2 unhealthy", "gauge", null,
                        Map.of("stage", s.stage()), (s.health() == null ? HealthState.HEALTHY : s.health()).ordinal());
                add(out, "soak_restarts_total", "Restarts of the stage since the run started", "counter", null,
                        Map.of("stage", s.stage()), s.restartCount());
                add(out, "soak_queue_depth", "Events waiting in the stage's inbound queue", "gauge", null,
                        Map.of("stage", s.stage()), s.queueDepth());
            }
            add(out, "soak_queue_dropped_total", "Messages dropped at the ingress since the run started", "counter", null,
                    Map.of(), status.queueDropped());
            if (status.resources() != null) {
                add(out, "soak_process_resident_memory_bytes", "Resident set size of the process, bytes", "gauge", null,
                        Map.of(), Math.round(status.resources().rssMb() * 1024 * 1024));
                add(out, "soak_process_open_fds", "Open file descriptors of the process", "gauge", null, Map.of(),
                        status.resources().openFiles());
                add(out, "soak_process_threads", "Threads of the process", "gauge", null, Map.of(),
                        status.resources().threads());
            }
        }
        Map<String, String> levels = new HashMap<>();
        rules.forEach(r -> levels.put(r.name(), r.level()));
        alerts.forEach((rule, st) -> add(out, "soak_alert_state", "Alert rule state: 0 inactive, 1 pending, 2 firing",
                "gauge", null, Map.of("rule", rule, "level", levels.getOrDefault(rule, "warning")), st.gaugeValue()));
        add(out, "soak_export_errors_total", "Failed time-series exports before this one", "counter", null, Map.of(),
                exportErrors);
        add(out, "soak_run_finished", "1 in the final push of the run, 0 before", "gauge", null, Map.of(), last ? 1 : 0);
        out.addAll(extra);
        return new MetricsSnapshot(timeMs, last ? -1 : lastMinuteStartMs, out, last);
    }

    /** Run-wide samples added to every later snapshot ({@code soak_run_info}, the verdict), replacing same-named ones. */
    public void extra(List<MetricSample> samples) {
        java.util.Set<String> names = new java.util.HashSet<>();
        samples.forEach(s -> names.add(s.name()));
        extra.removeIf(s -> names.contains(s.name()));
        extra.addAll(samples);
    }

    /** A run-wide sample (labels run_id and sink, plus {@code labels}). */
    public MetricSample runSample(String name, String help, String type, Map<String, String> labels, double value) {
        List<MetricSample> out = new ArrayList<>(1);
        add(out, name, help, type, null, labels, value);
        return out.get(0);
    }

    private void add(List<MetricSample> out, String name, String help, String type, String symbol,
                     Map<String, String> extra, double value) {
        Map<String, String> labels = new TreeMap<>(extra);
        labels.put("run_id", runId);
        if (symbol != null) {
            labels.put("symbol", symbol);
        }
        labels.put("sink", sink);
        out.add(new MetricSample(name, help, type, labels, value));
    }
}
