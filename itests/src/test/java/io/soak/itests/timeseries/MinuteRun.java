package io.soak.itests.timeseries;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stats.MinuteStats;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import io.soak.engine.Json;
import io.soak.engine.Registry;
import io.soak.engine.RunContext;
import io.soak.engine.RunStatus;
import io.soak.export.TimeseriesExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives the alerts + export extension minute by minute against real servers, with the exporter factories of
 * the real bundles (from the Felix host's registry), in virtual time: what the engine does at each closed
 * minute, without a pipeline. Used where the test must act between two minutes (stop a server).
 */
final class MinuteRun implements RunContext {

    /** A recent whole minute: VictoriaMetrics (retention 1 d) silently drops older samples. */
    static final long T0 = (System.currentTimeMillis() / 60_000L - 30) * 60_000L;

    final ScenarioPlan plan;
    final Registry registry;
    final Path dir;
    final String runId;
    final TimeseriesExtension extension;
    final long t0;
    long nowMs;
    int minute;
    private final Map<String, Map<String, AtomicLong>> metrics = new ConcurrentHashMap<>();

    MinuteRun(String runId, TimeseriesSpec spec, Registry registry, Path dir) {
        this(runId, spec, registry, dir, Settings.empty());
    }

    MinuteRun(String runId, TimeseriesSpec spec, Registry registry, Path dir, Settings config) {
        this(runId, spec, registry, dir, config, Mode.LIVE, Pace.REALTIME, T0);
    }

    /** {@code mode}/{@code pace} decide how times are mapped (a max-pace replay is exported at the end), {@code t0} the first minute. */
    MinuteRun(String runId, TimeseriesSpec spec, Registry registry, Path dir, Settings config, Mode mode, Pace pace, long t0) {
        this.runId = runId;
        this.plan = plan(spec, mode, pace);
        this.registry = registry;
        this.dir = dir;
        this.t0 = t0;
        this.nowMs = t0;
        this.extension = new TimeseriesExtension(plan, config);
    }

    static ScenarioPlan plan(TimeseriesSpec ts) {
        return plan(ts, Mode.REPLAY, Pace.MAX);
    }

    static ScenarioPlan plan(TimeseriesSpec ts, Mode mode, Pace pace) {
        return new ScenarioPlan("timeseries-it", "<itest>", "0".repeat(64), mode, pace, 1,
                Duration.ofMinutes(60), new SourceSpec("synthetic", List.of("BTCUSDT"), List.of(), "", List.of(), false,
                Map.of(), Map.of(), Map.of()), List.of("harvest", "signal", "broker", "report"), List.of("jsonl"),
                Duration.ofSeconds(10), RestartPolicy.defaults(), ts, io.soak.alerts.AlertRules.standardSpecs(Settings.empty()),
                List.of(), List.of(), Map.of(), "UTC");
    }

    void start() throws Exception {
        extension.beforeStart(this);
    }

    /** Closes the next minute with these numbers for BTCUSDT (and the same as {@code all}). */
    void close(long decisions, long total, long strong, double lowShare) {
        long start = t0 + minute * 60_000L;
        minute++;
        nowMs = start + 62_000L; // the all row arrives a little after the minute's end
        Map<String, Long> gating = Map.of("low_consistency", Math.round(lowShare * decisions), "spread_bps>20.0", 1L);
        MinuteStats btc = new MinuteStats(start, "BTCUSDT", decisions, total, strong, total == 0 ? 0 : (double) strong / total,
                gating, lowShare, total / 2, total - total / 2, 2, 2, 600, Map.of("p50", 8.0, "p99", 30.0));
        MinuteStats all = new MinuteStats(start, MinuteStats.ALL, decisions, total, strong, btc.strongRatio(), gating,
                lowShare, btc.buys(), btc.sells(), 2, 2, 600, btc.latencyMs());
        extension.onMinute(this, List.of(btc, all));
    }

    void finish() throws Exception {
        extension.onStopping(this);
        extension.afterRun(this, Map.of());
    }

    /** After the verdict: the run summary, then the exporter is closed. */
    void verdict(boolean passed) throws Exception {
        extension.afterVerdict(this, Map.of("verdict", Map.of("passed", passed)));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        return (Map<String, Object>) extension.manifestSections().get(name);
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public ScenarioPlan plan() {
        return plan;
    }

    @Override
    public Path runDirectory() {
        return dir;
    }

    @Override
    public Clock clock() {
        return () -> nowMs * 1_000_000L;
    }

    @Override
    public Scheduler scheduler() {
        throw new UnsupportedOperationException("the time-series extension uses no timers");
    }

    @Override
    public Settings config() {
        return Settings.empty();
    }

    @Override
    public Registry registry() {
        return registry;
    }

    @Override
    public StageMetrics metrics(String component) {
        Map<String, AtomicLong> m = metrics.computeIfAbsent(component, k -> new ConcurrentHashMap<>());
        return new StageMetrics() {
            public void add(String name, long delta) {
                m.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(delta);
            }

            public long counter(String name) {
                AtomicLong v = m.get(name);
                return v == null ? 0 : v.get();
            }

            public void gauge(String name, double value) {
            }

            public void fact(String name, Object value) {
            }
        };
    }

    @Override
    public RunStatus status() {
        return new RunStatus(nowMs, List.of(
                new RunStatus.StageStatus("signal", "running", HealthState.HEALTHY, "", 0, 0, 100),
                new RunStatus.StageStatus("report", "running", HealthState.HEALTHY, "", 0, 0, 100)), 0,
                new RunStatus.Resources(140, 150, 25, 25, 30, 30));
    }

    @Override
    public ObjectMapper json() {
        return Json.canonical();
    }
}
