package io.soak.engine.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import io.soak.engine.Registry;
import io.soak.engine.RunContext;
import io.soak.engine.RunStatus;
import java.nio.file.Path;

/** What run extensions (and live sources) see of the run; its scheduler runs tasks on the control thread. */
final class ExtensionContext implements RunContext, Scheduler {

    private final Engine engine;

    ExtensionContext(Engine engine) {
        this.engine = engine;
    }

    @Override
    public String runId() {
        return engine.runId();
    }

    @Override
    public ScenarioPlan plan() {
        return engine.plan;
    }

    @Override
    public Path runDirectory() {
        return engine.runDirectory();
    }

    @Override
    public Clock clock() {
        return engine.clock;
    }

    @Override
    public Scheduler scheduler() {
        return this;
    }

    @Override
    public Settings config() {
        return engine.merged;
    }

    @Override
    public Registry registry() {
        return engine.registry;
    }

    @Override
    public StageMetrics metrics(String component) {
        return engine.metrics(component);
    }

    @Override
    public RunStatus status() {
        return engine.status();
    }

    @Override
    public String latencySummary() {
        Latency l = engine.latency;
        if (!l.enabled) {
            return Latency.MAX_PACE;
        }
        double p99 = l.totalP99Ms();
        return p99 < 0 ? "-" : String.format(java.util.Locale.ROOT, "p99 %.1f ms", p99);
    }

    @Override
    public ObjectMapper json() {
        return engine.json;
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        return scheduleAt(engine.clock.nanos() + Math.max(0, delayNanos), task);
    }

    @Override
    public Cancellable scheduleAt(long epochNanos, Runnable task) {
        return engine.control.timer(epochNanos, 0, TimerQueue.PRIO_NORMAL, guard(task));
    }

    @Override
    public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be > 0, got " + periodNanos);
        }
        return engine.control.timer(engine.clock.nanos() + Math.max(0, initialDelayNanos), periodNanos,
                TimerQueue.PRIO_NORMAL, guard(task));
    }

    private static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                Engine.LOG.warn("engine timer task failed: {}", StageSlot.oneLine(e), e);
            }
        };
    }
}
