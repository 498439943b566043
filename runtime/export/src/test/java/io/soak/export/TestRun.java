package io.soak.export;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A run context for driving the extensions minute by minute in virtual time, with a real {@link Registry}. */
final class TestRun implements RunContext {

    static final long T0 = 1_767_225_600_000L;

    final ScenarioPlan plan;
    final Registry registry = new Registry();
    final Path dir;
    long nowMs = T0;
    RunStatus status = status(0, HealthState.HEALTHY);
    final Map<String, Map<String, AtomicLong>> metrics = new ConcurrentHashMap<>();

    TestRun(ScenarioPlan plan, Path dir) {
        this.plan = plan;
        this.dir = dir;
    }

    static ScenarioPlan plan(TimeseriesSpec ts) {
        return new ScenarioPlan("t", "t.groovy", "0", Mode.REPLAY, Pace.MAX, 1, Duration.ofMinutes(60),
                new SourceSpec("synthetic", List.of("BTCUSDT"), List.of("aggTrade"), "", List.of(), false, Map.of(),
                        Map.of(), Map.of()),
                List.of("harvest", "signal", "broker", "report"), List.of("jsonl", "sqlite"), Duration.ofSeconds(10),
                RestartPolicy.defaults(), ts, io.soak.alerts.AlertRules.standardSpecs(Settings.empty()), List.of(), List.of(),
                Map.of(), "UTC");
    }

    static RunStatus status(long dropped, HealthState signal) {
        return new RunStatus(T0, List.of(new RunStatus.StageStatus("signal", "running", signal, "", 1, 3, 100)), dropped,
                new RunStatus.Resources(150.5, 160, 20, 22, 30, 31));
    }

    static List<MinuteStats> minute(int i, long total, long strong) {
        long start = T0 + i * 60_000L;
        MinuteStats btc = new MinuteStats(start, "BTCUSDT", 100, total, strong, total == 0 ? 0 : (double) strong / total,
                Map.of("low_consistency", 10L, "warmup", 2L), 0.1, total / 2, total - total / 2, 1, 1, 1000,
                Map.of("p50", 4.0, "p99", 12.0));
        MinuteStats all = new MinuteStats(start, MinuteStats.ALL, 100, total, strong, btc.strongRatio(),
                btc.gatingBreakdown(), 0.1, btc.buys(), btc.sells(), 1, 1, 1000, btc.latencyMs());
        return List.of(btc, all);
    }

    @Override
    public String runId() {
        return "run-1";
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
        throw new UnsupportedOperationException("not used by the time-series extensions");
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
        return status;
    }

    @Override
    public ObjectMapper json() {
        return Json.canonical();
    }
}
