package io.soak.export;

import io.soak.alerts.AlertRule;
import io.soak.alerts.AlertState;
import io.soak.api.export.ExporterFactory;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
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
    private int consecutiveFailures;
    private int maxConsecutiveFailures;
    private String lastError = "";
    private boolean finalPushed;
    private long lastExportAtMs = -1;

    public ExportExtension(ScenarioPlan plan, Settings effectiveConfig, Supplier<Map<String, AlertState>> alertStates,
                           Supplier<List<AlertRule>> alertRules) {
        this.plan = plan;
        this.spec = plan.timeseries() != null ? plan.timeseries() : specFromConfig(effectiveConfig);
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

    @Override
    public String name() {
        return "timeseries_export";
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
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
        if (exporter != null) {
            export(false);
        }
    }

    @Override
    public void afterRun(RunContext run, Map<String, Object> manifest) {
        if (exporter == null) {
            return;
        }
        try {
            finalPushed = export(true); // false when the final push failed (it is counted as an error)
        } finally {
            try {
                exporter.close();
            } catch (RuntimeException e) {
                LOG.warn("time-series exporter {} did not close cleanly: {}", spec.type(), oneLine(e));
            }
            exporter = null;
        }
    }

    /** One export; true when the target took it. */
    private boolean export(boolean last) {
        long now = run.clock().millis();
        MetricsSnapshot snapshot = builder.snapshot(now, status(), alertStates.get(), alertRules.get(), errorCount, last);
        long t0 = System.nanoTime();
        attempts++;
        try {
            exporter.export(snapshot);
            long ms = (System.nanoTime() - t0) / 1_000_000L;
            latency.record(ms);
            exportCount++;
            run.metrics("timeseries").increment("export_count");
            if (consecutiveFailures > 0) {
                LOG.info("time-series export to {} works again after {} failures", target(), consecutiveFailures);
                run.metrics("timeseries").add("consecutive_failures", -consecutiveFailures);
                consecutiveFailures = 0;
            }
            lastExportAtMs = now;
            return true;
        } catch (Exception | LinkageError e) {
            latency.record((System.nanoTime() - t0) / 1_000_000L);
            consecutiveFailures++;
            maxConsecutiveFailures = Math.max(maxConsecutiveFailures, consecutiveFailures);
            run.metrics("timeseries").increment("consecutive_failures");
            String msg = oneLine(e);
            LOG.warn("time-series export to {} failed ({} in a row): {}; the run goes on", target(), consecutiveFailures,
                    msg);
            countError(last ? "final" : "minute", msg, now);
            return false;
        }
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
        m.put("error_count", errorCount);
        m.put("attempts", attempts);
        m.put("last_error", lastError);
        m.put("errors", List.copyOf(errors));
        m.put("consecutive_failures", consecutiveFailures);
        m.put("max_consecutive_failures", maxConsecutiveFailures);
        m.put("latency_ms", latency.summary());
        m.put("final_push", finalPushed);
        if (lastExportAtMs >= 0) {
            m.put("last_export_at", java.time.Instant.ofEpochMilli(lastExportAtMs).toString());
        }
        return Map.of("timeseries_export", m);
    }
}
