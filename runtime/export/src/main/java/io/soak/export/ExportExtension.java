package io.soak.export;

import io.soak.alerts.AlertRule;
import io.soak.alerts.AlertState;
import io.soak.api.export.ExporterFactory;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
import io.soak.api.log.Repeats;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-series export of a run: preflight before the start, one export per closed minute, a final push
 * after the stages stopped, all synchronous on the engine's control thread (so counts are deterministic in
 * simulation; the exporters bound each call with short HTTP timeouts). A failed export is a warning and a
 * counted error, never a failure of the run; only a {@code required} target that fails its preflight stops
 * the run before it starts. Keeps the manifest section {@code timeseries_export} and mirrors its counters
 * into the engine-owned metrics {@code timeseries} ({@code export_count}, {@code error_count},
 * {@code consecutive_failures}).
 */
public final class ExportExtension implements RunExtension {

    private static final Logger LOG = LoggerFactory.getLogger(ExportExtension.class);
    private static final int MAX_ERRORS_KEPT = 20;

    private final ScenarioPlan plan;
    private final TimeseriesSpec spec;
    private final Supplier<Map<String, AlertState>> alertStates;
    private final Supplier<List<AlertRule>> alertRules;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final List<Map<String, Object>> errors = new ArrayList<>();
    private RunContext run;
    private MetricsBuilder builder;
    private MetricsExporter exporter;
    private Preflight preflight;
    private String preflightState = "not_run";
    private long exportCount;
    private long errorCount;
    private long attempts;
    /** The failure streak of the target (one warning per streak; export_failing reads its length). */
    private final Repeats.Streak failures = new Repeats.Streak();
    private String lastError = "";
    private boolean finalPushed;
    private long lastExportAtMs = -1;
    /** Engine time (ms) until which the target is unreachable ({@code timeseries-outage} fault). */
    private long outageUntilMs = Long.MIN_VALUE;
    private long outagePushesFailed;
    private final java.time.Clock wall;
    private TimeMapping mapping;
    private boolean deferred;
    private final List<MetricsSnapshot> pending = new ArrayList<>();
    private MetricsExporter backfill;
    private final List<MetricsSnapshot> backfillPending = new ArrayList<>();
    private String backfillState = "not_needed";
    private String readBackMode;
    private long sentCount;
    /** The all-symbols statistics of each exported minute with its export time (the last 1,440), for the manifest. */
    private final java.util.ArrayDeque<Map<String, Object>> minutesExported = new java.util.ArrayDeque<>();
    private final Map<Long, MinuteStats> minuteRows = new java.util.HashMap<>();
    private long lastDeliveredMs = Long.MIN_VALUE;
    private long sentSinceCheck;
    private long unverifiedExports;
    private long readBackChecks;
    private long readBackFailures;
    private long lastWritten = -1;
    private long lastFound = -1;
    private String lastQuery = "";
    private List<String> lastRejections = List.of();
    private boolean readBackSupported = true;
    private long summaryPushes;
    private String summaryError = "";

    public ExportExtension(ScenarioPlan plan, Settings effectiveConfig, Supplier<Map<String, AlertState>> alertStates,
                           Supplier<List<AlertRule>> alertRules) {
        this(plan, effectiveConfig, alertStates, alertRules, java.time.Clock.systemUTC());
    }

    /** {@code wall} is only used to rebase replay times onto the wall clock (see {@link TimeMapping}). */
    public ExportExtension(ScenarioPlan plan, Settings effectiveConfig, Supplier<Map<String, AlertState>> alertStates,
                           Supplier<List<AlertRule>> alertRules, java.time.Clock wall) {
        this.plan = plan;
        this.wall = wall;
        this.spec = withConfigOptions(plan.timeseries() != null ? plan.timeseries() : specFromConfig(effectiveConfig),
                effectiveConfig);
        this.alertStates = alertStates;
        this.alertRules = alertRules;
    }

    /** {@code timeseries.type}, {@code timeseries.url}, {@code timeseries.required} of config, when the plan has no spec. */
    static TimeseriesSpec specFromConfig(Settings config) {
        Settings t = config.scope("timeseries");
        String type = t.string("type", "file");
        Map<String, String> options = new TreeMap<>();
        t.scope("options").values().forEach((k, v) -> options.put(k, String.valueOf(v)));
        return new TimeseriesSpec(type, t.string("url", ""), t.flag("required", false), options, Map.of());
    }

    /**
     * The plan's options over config's {@code timeseries.options.*} (config/defaults.yaml declares them with their
     * defaults; a scenario's {@code option} and the implicit scenario's variables win).
     */
    static TimeseriesSpec withConfigOptions(TimeseriesSpec s, Settings config) {
        Map<String, String> options = new TreeMap<>();
        if (config != null) {
            config.scope("timeseries").scope("options").values().forEach((k, v) -> options.put(k, String.valueOf(v)));
        }
        options.putAll(s.options());
        return new TimeseriesSpec(s.type(), s.url(), s.required(), options, s.secrets());
    }

    TimeseriesSpec spec() {
        return spec;
    }

    @Override
    public String name() {
        return "timeseries_export";
    }

    public int consecutiveFailures() {
        return (int) failures.length();
    }

    public long exportCount() {
        return exportCount;
    }

    public long errorCount() {
        return errorCount;
    }

    private boolean disabled() {
        return spec.type().equals("none");
    }

    @Override
    public void beforeStart(RunContext run) throws Exception {
        this.run = run;
        this.builder = new MetricsBuilder(run.runId(), plan.sinks());
        this.mapping = TimeMapping.of(plan, spec.options().get("timestamps"));
        mapping.start(run.clock().millis(), wall.millis());
        this.readBackMode = spec.options().getOrDefault("read_back", "every_export").strip();
        if (!List.of("every_export", "end", "off").contains(readBackMode)) {
            throw new IllegalArgumentException("time-series option read_back must be every_export, end or off, got '"
                    + readBackMode + "'");
        }
        if (disabled()) {
            preflightState = "disabled";
            return;
        }
        ExporterFactory factory = run.registry().exporter(spec.type()).orElse(null);
        if (factory == null) {
            fail("preflight", "no exporter for time-series type '" + spec.type() + "' (known: "
                    + run.registry().keys(io.soak.engine.Registry.EXPORTER) + ")");
            return;
        }
        try {
            exporter = factory.create(new RunExporterContext(run.runId(), spec, run.clock(), run.metrics("timeseries"),
                    run.runDirectory()));
        } catch (Exception | LinkageError e) {
            fail("preflight", "cannot create the '" + spec.type() + "' exporter: " + oneLine(e));
            return;
        }
        try {
            preflight = exporter.preflight();
        } catch (RuntimeException e) {
            preflight = new Preflight(false, target(), oneLine(e), 0);
        }
        if (preflight.reachable()) {
            preflightState = "ok";
            LOG.info("time-series {} at {}: preflight ok ({}, {} ms)", spec.type(), target(), preflight.detail(),
                    preflight.latencyMs());
        } else {
            fail("preflight", "time-series target " + target() + " unreachable: " + preflight.detail());
        }
        deferred = mapping.deferred() && exporter.timestamped();
        String timestamps = exporter.timestamped() ? spec.options().getOrDefault("timestamps", "rebased") : "scrape_time";
        if (!exporter.timestamped() && plan.simulated()) {
            LOG.warn("time-series {}: a max-pace replay's minutes reach {} as wall-clock snapshots seconds apart, "
                    + "stamped when Prometheus scrapes them (soak_run_info with timestamps=\"scrape_time\", pace=\"max\"): "
                    + "rate() over them is not the replay's rate; for time-correct series backfill "
                    + "timeseries/backfill.om (promtool tsdb create-blocks-from openmetrics)", spec.type(), target());
            openBackfill(run);
        }
        builder.extra(List.of(builder.runSample("soak_run_info",
                "Run description: scenario, mode, pace, how sample times relate to the run (value 1)", "gauge",
                Map.of("scenario", plan.name() == null ? "" : plan.name(), "mode", plan.mode().id(),
                        "pace", plan.pace().max() ? "max" : String.valueOf(plan.pace().multiplier()),
                        "timestamps", timestamps), 1)));
    }

    /** The backfill path of a max-pace replay to a target without timestamps: the file exporter, rebased times. */
    private void openBackfill(RunContext run) {
        ExporterFactory file = run.registry().exporter("file").orElse(null);
        if (file == null) {
            backfillState = "no file exporter installed";
            return;
        }
        Map<String, String> o = new TreeMap<>();
        o.put("file", "backfill.om");
        try {
            backfill = file.create(new RunExporterContext(run.runId(),
                    new TimeseriesSpec("file", "", false, o, Map.of()), run.clock(), run.metrics("timeseries_backfill"),
                    run.runDirectory()));
            backfillState = "pending";
        } catch (Exception | LinkageError e) {
            backfillState = "failed: " + oneLine(e);
        }
    }

    private void fail(String phase, String message) {
        preflightState = "failed";
        if (spec.required()) {
            throw new IllegalStateException(message + " (the scenario marks the target required)");
        }
        LOG.warn("{}; the run goes on and counts export errors", message);
        countError(phase, message, run == null ? 0 : run.clock().millis());
    }

    @Override
    public void onMinute(RunContext run, List<MinuteStats> minute) {
        if (builder == null) {
            return;
        }
        builder.minute(minute);
        if (exporter == null) {
            return;
        }
        // a minute's statistics are stamped at the minute's end (engine time): exact one-minute spacing; a minute
        // cut short by the stop at the stop time (never ahead of the engine clock)
        long minuteEnd = Math.min(minute.get(0).minuteStartMs() + TimeMapping.MINUTE, run.clock().millis());
        MetricsSnapshot snapshot = builder.snapshot(minuteEnd, status(), alertStates.get(), alertRules.get(), errorCount,
                false);
        minute.stream().filter(r -> MinuteStats.ALL.equals(r.symbol())).findFirst()
                .ifPresent(r -> minuteRows.put(snapshot.minuteStartMs(), r));
        if (backfill != null) {
            backfillPending.add(snapshot);
        }
        if (deferred) {
            if (run.clock().millis() < outageUntilMs) {
                // timeseries-outage in a max-pace replay: the target is unreachable in engine time, so this minute's
                // push fails now (counted, the streak seen by export_failing) instead of being queued for the end
                deliver(snapshot);
                return;
            }
            long ended = failures.ended();
            if (ended > 0) {
                // the outage window is over: the streak ends; the queued minutes' real outcome counts at the end
                LOG.info("time-series {}: outage over after {} failed pushes; the replay's minutes are queued again "
                        + "for the end-of-run export", spec.type(), ended);
                run.metrics("timeseries").add("consecutive_failures", -ended);
            }
            pending.add(snapshot);
            return;
        }
        deliver(snapshot);
        if (readBackMode.equals("every_export")) {
            readBack();
        }
    }

    private MetricsSnapshot snapshot(boolean last) {
        return builder.snapshot(run.clock().millis(), status(), alertStates.get(), alertRules.get(), errorCount, last);
    }

    private MetricsSnapshot mapped(MetricsSnapshot s) {
        return new MetricsSnapshot(mapping.map(s.timeMs()), s.minuteStartMs() < 0 ? -1 : mapping.map(s.minuteStartMs()),
                s.samples(), s.last());
    }

    /**
     * {@code timeseries-outage}: the target is unreachable for the fault's duration (engine time); every push in
     * the window fails and is counted like a real one ({@code consecutive_failures}, errors), so
     * {@code export_failing} fires; the first push after the window succeeds again.
     */
    @Override
    public String onFault(RunContext run, io.soak.api.plan.FaultSpec fault) {
        if (!"timeseries-outage".equals(fault.kind()) || disabled() || builder == null) {
            return null;
        }
        long from = run.clock().millis();
        outageUntilMs = Math.max(outageUntilMs, from + fault.duration().toMillis());
        return "time-series target " + target() + " unreachable for " + fault.duration() + " (pushes fail and count)";
    }

    @Override
    public void afterRun(RunContext run, Map<String, Object> manifest) {
        if (exporter == null) {
            return;
        }
        MetricsSnapshot last = snapshot(true);
        // the end of the engine time exported: nothing mapped lands after the wall time the run finished
        long engineEnd = last.timeMs();
        for (MetricsSnapshot p : pending) {
            engineEnd = Math.max(engineEnd, p.timeMs() + 1);
        }
        for (MetricsSnapshot p : backfillPending) {
            engineEnd = Math.max(engineEnd, p.timeMs() + 1);
        }
        mapping.end(engineEnd, wall.millis());
        if (backfill != null) {
            writeBackfill(last);
        }
        if (deferred) {
            LOG.info("time-series {}: exporting the replay's {} minutes now, times shifted by {} ms (rebased)",
                    spec.type(), pending.size(), mapping.offsetMs());
            for (MetricsSnapshot s : pending) {
                deliver(s);
            }
            pending.clear();
        }
        finalPushed = deliver(last);
        if (!readBackMode.equals("off")) {
            readBack();
        }
        if (sentSinceCheck > 0) { // read_back off
            exportCount += sentSinceCheck;
            run.metrics("timeseries").add("export_count", sentSinceCheck);
            sentSinceCheck = 0;
        }
    }

    private void writeBackfill(MetricsSnapshot last) {
        try {
            for (MetricsSnapshot s : backfillPending) {
                backfill.export(mapped(s));
            }
            backfill.export(mapped(last));
            backfillState = "written";
        } catch (Exception | LinkageError e) {
            backfillState = "failed: " + oneLine(e);
            LOG.warn("time-series backfill file not written: {}", oneLine(e));
        } finally {
            backfillPending.clear();
            backfill.close();
        }
    }

    /**
     * After the verdict: {@code soak_run_info}, {@code soak_run_verdict} and, on a pass,
     * {@code soak_run_last_success_timestamp_seconds}, through {@link MetricsExporter#summary}; then the exporter
     * is closed (a Pushgateway exporter deletes the run's group there when {@code delete_on_finish}).
     */
    @Override
    public void afterVerdict(RunContext run, Map<String, Object> manifest) {
        if (exporter == null) {
            return;
        }
        try {
            Object v = manifest.get("verdict") instanceof Map<?, ?> vm ? vm.get("passed") : null;
            boolean passed = Boolean.TRUE.equals(v);
            String verdict = v == null ? "unknown" : passed ? "pass" : "fail";
            long wallNow = wall.millis();
            List<io.soak.api.export.MetricSample> samples = new ArrayList<>();
            for (String candidate : List.of("pass", "fail", "unknown")) {
                samples.add(builder.runSample("soak_run_verdict", "The run's verdict: 1 for the verdict it got", "gauge",
                        Map.of("verdict", candidate), candidate.equals(verdict) ? 1 : 0));
            }
            samples.add(builder.runSample("soak_run_finished_timestamp_seconds", "When the run finished (wall clock), Unix seconds",
                    "gauge", Map.of(), wallNow / 1000.0));
            if (passed) {
                samples.add(builder.runSample("soak_run_last_success_timestamp_seconds",
                        "When a run of this scenario last passed (wall clock), Unix seconds", "gauge", Map.of(),
                        wallNow / 1000.0));
            }
            List<io.soak.api.export.MetricSample> summary = new ArrayList<>(samples);
            // not soak_run_info: the same series in two Pushgateway groups is rejected (400 inconsistent metrics)
            summary.add(0, builder.runSample("soak_last_run_info",
                    "The last finished run of the scenario: mode, pace, how sample times related to it (value 1)", "gauge",
                    Map.of("scenario", plan.name() == null ? "" : plan.name(), "mode", plan.mode().id(),
                            "pace", plan.pace().max() ? "max" : String.valueOf(plan.pace().multiplier()),
                            "timestamps", exporter.timestamped() ? spec.options().getOrDefault("timestamps", "rebased")
                                    : "scrape_time"), 1));
            long at = exporter.timestamped() ? mapping.map(run.clock().millis()) + 1 : run.clock().millis();
            exporter.summary(new MetricsSnapshot(at, -1, summary, true));
            summaryPushes++;
        } catch (Exception | LinkageError e) {
            summaryError = oneLine(e);
            LOG.warn("time-series {}: run summary not exported: {}", spec.type(), summaryError);
        } finally {
            try {
                exporter.close();
            } catch (RuntimeException e) {
                LOG.warn("time-series exporter {} did not close cleanly: {}", spec.type(), oneLine(e));
            }
            exporter = null;
        }
    }

    /** Sends one snapshot (times mapped); true when the server answered 2xx. One warning per failure streak. */
    private boolean deliver(MetricsSnapshot engineTimed) {
        // a target without timestamps (Pushgateway) stamps samples itself: nothing to map; a push inside a
        // timeseries-outage window never reaches the target (nor the time mapping, unknown before the end)
        boolean outage = run.clock().millis() < outageUntilMs;
        MetricsSnapshot snapshot = exporter.timestamped() && !outage ? mapped(engineTimed) : engineTimed;
        if (exporter.timestamped() && snapshot.timeMs() <= lastDeliveredMs) {
            // a store keeps one point per series and time: a second snapshot at the same time would overwrite the first
            snapshot = new MetricsSnapshot(lastDeliveredMs + 1, snapshot.minuteStartMs(), snapshot.samples(), snapshot.last());
        }
        if (!outage) {
            lastDeliveredMs = Math.max(lastDeliveredMs, snapshot.timeMs());
        }
        long now = run.clock().millis();
        long t0 = System.nanoTime();
        attempts++;
        try {
            if (outage) {
                outagePushesFailed++;
                throw new java.io.IOException("time-series target " + target() + " unreachable (timeseries-outage fault)");
            }
            exporter.export(snapshot);
            latency.record((System.nanoTime() - t0) / 1_000_000L);
            sentCount++;
            sentSinceCheck++;
            MinuteStats row = minuteRows.remove(engineTimed.minuteStartMs());
            if (row != null && !engineTimed.last()) {
                Map<String, Object> e = new java.util.LinkedHashMap<>();
                e.put("minute_start", java.time.Instant.ofEpochMilli(row.minuteStartMs()).toString());
                e.put("at_ms", engineTimed.timeMs());
                e.put("exported_at_ms", snapshot.timeMs());
                e.put("signals", row.total());
                e.put("decisions", row.decisions());
                e.put("strong", row.strong());
                if (minutesExported.size() >= 1440) {
                    minutesExported.removeFirst();
                }
                minutesExported.addLast(e);
            }
            run.metrics("timeseries").increment("sent_count");
            long ended = failures.ended();
            if (ended > 0) {
                LOG.info("time-series export to {} works again after {} failures", target(), ended);
                run.metrics("timeseries").add("consecutive_failures", -ended);
            }
            lastExportAtMs = now;
            return true;
        } catch (Exception | LinkageError e) {
            latency.record((System.nanoTime() - t0) / 1_000_000L);
            boolean first = failures.failed();
            run.metrics("timeseries").increment("consecutive_failures");
            String msg = oneLine(e);
            if (first) {
                LOG.warn("time-series export to {} failed: {}; the run goes on (further failures in a row: in the log "
                        + "and the manifest)", target(), msg);
            } else {
                LOG.debug("time-series export to {} failed ({} in a row): {}", target(), failures.length(), msg);
            }
            countError(engineTimed.last() ? "final" : "minute", msg, now);
            return false;
        }
    }

    /**
     * Queries the target back: the exports sent since the last check count ({@code export_count}) only when every
     * point written was found; otherwise the difference is an error with the server's reason when it gave one.
     */
    private void readBack() {
        if (sentSinceCheck == 0 && readBackChecks > 0) {
            return;
        }
        long now = run.clock().millis();
        java.util.Optional<io.soak.api.export.ReadBack> rb;
        try {
            rb = exporter.readBack();
        } catch (Exception | LinkageError e) {
            readBackChecks++;
            readBackFailures++;
            unverifiedExports += sentSinceCheck;
            sentSinceCheck = 0;
            countError("read_back", "read-back from " + target() + " failed: " + oneLine(e), now);
            return;
        }
        if (rb.isEmpty()) {
            readBackSupported = false;
            exportCount += sentSinceCheck;
            run.metrics("timeseries").add("export_count", sentSinceCheck);
            sentSinceCheck = 0;
            return;
        }
        io.soak.api.export.ReadBack r = rb.get();
        readBackChecks++;
        lastWritten = r.written();
        lastFound = r.found();
        lastQuery = r.query();
        lastRejections = r.rejections();
        run.metrics("timeseries").gauge("read_back_written", r.written());
        run.metrics("timeseries").gauge("read_back_found", r.found());
        if (r.complete()) {
            exportCount += sentSinceCheck;
            run.metrics("timeseries").add("export_count", sentSinceCheck);
        } else {
            readBackFailures++;
            unverifiedExports += sentSinceCheck;
            String msg = "read-back: " + target() + " holds " + r.found() + " of the " + r.written()
                    + " points written (" + r.query() + ")"
                    + (r.rejections().isEmpty() ? "" : "; server: " + String.join(", ", r.rejections()));
            if (readBackFailures == 1 || LOG.isDebugEnabled()) {
                LOG.warn("time-series {}", msg);
            }
            countError("read_back", msg, now);
        }
        sentSinceCheck = 0;
    }

    private void countError(String phase, String message, long atMs) {
        errorCount++;
        lastError = message;
        if (run != null) {
            run.metrics("timeseries").increment("error_count");
        }
        if (errors.size() >= MAX_ERRORS_KEPT) {
            errors.remove(0);
        }
        Map<String, Object> e = new TreeMap<>();
        e.put("at", java.time.Instant.ofEpochMilli(atMs).toString());
        e.put("phase", phase);
        e.put("error", message);
        errors.add(e);
    }

    private RunStatus status() {
        try {
            return run.status();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The target URL without credentials. */
    String target() {
        if (spec.type().equals("file")) {
            return run == null ? "timeseries/" : new io.soak.api.run.RunDirectory(run.runDirectory()).timeseries().toString();
        }
        return stripCredentials(spec.url());
    }

    static String stripCredentials(String url) {
        return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        m = m.strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    @Override
    public Map<String, Object> manifestSections() {
        Map<String, Object> m = new TreeMap<>();
        m.put("type", spec.type());
        m.put("target", run == null ? stripCredentials(spec.url()) : target());
        m.put("required", spec.required());
        Map<String, Object> pf = new TreeMap<>();
        pf.put("state", preflightState);
        if (preflight != null) {
            pf.put("reachable", preflight.reachable());
            pf.put("detail", preflight.detail());
            pf.put("latency_ms", preflight.latencyMs());
        }
        m.put("preflight", pf);
        m.put("export_count", exportCount);
        m.put("sent_count", sentCount);
        Map<String, Object> rb = new TreeMap<>();
        rb.put("mode", readBackMode == null ? "every_export" : readBackMode);
        rb.put("supported", readBackSupported);
        rb.put("checks", readBackChecks);
        rb.put("failures", readBackFailures);
        rb.put("written", lastWritten);
        rb.put("found", lastFound);
        rb.put("query", lastQuery);
        rb.put("rejections", lastRejections);
        rb.put("verified_exports", exportCount);
        rb.put("unverified_exports", unverifiedExports + sentSinceCheck);
        m.put("read_back", rb);
        if (mapping != null) {
            m.put("time_mapping", mapping.section());
        }
        m.put("backfill", backfillState.equals("written")
                ? Map.of("state", "written", "file", new io.soak.api.run.RunDirectory(run.runDirectory()).timeseries().resolve("backfill.om").toString(),
                        "command", "promtool tsdb create-blocks-from openmetrics " + new io.soak.api.run.RunDirectory(run.runDirectory()).timeseries()
                                .resolve("backfill.om") + " <prometheus data dir>")
                : Map.of("state", backfillState));
        m.put("summary", Map.of("pushes", summaryPushes, "error", summaryError));
        m.put("minutes", List.copyOf(minutesExported));
        m.put("error_count", errorCount);
        m.put("attempts", attempts);
        m.put("last_error", lastError);
        m.put("errors", List.copyOf(errors));
        m.put("consecutive_failures", (int) failures.length());
        m.put("max_consecutive_failures", (int) failures.longest());
        m.put("latency_ms", latency.summary());
        m.put("outage_pushes_failed", outagePushesFailed);
        m.put("final_push", finalPushed);
        if (lastExportAtMs >= 0) {
            m.put("last_export_at", java.time.Instant.ofEpochMilli(lastExportAtMs).toString());
        }
        return Map.of("timeseries_export", m);
    }
}
