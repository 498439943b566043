package io.soak.testing.fakes;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageContext;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A real {@link StageContext} for driving one stage in a unit test, without OSGi or the engine: a manual
 * virtual clock whose timers run when the test advances it, the emitted events collected in order, and
 * {@link FakeMetrics} that can be shared with a later context (the engine's metrics survive restarts).
 * Single-threaded, like a stage's runner.
 */
public final class FakeStageContext implements StageContext {

    /** One emitted event. */
    public record Emitted(String topic, Object payload) {
    }

    private record Timer(long at, long period, long order, Runnable task, boolean[] cancelled) {
    }

    private final String stageName;
    private final Settings config;
    private final long seed;
    private final Path runDirectory;
    private final FakeMetrics metrics;
    private final List<Emitted> emitted = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::at).thenComparingLong(Timer::order));
    private long timerOrder;
    private long nowNanos;

    public FakeStageContext(Map<String, Object> config, long seed, Path runDirectory) {
        this("test", config, seed, runDirectory, new FakeMetrics());
    }

    /** A context sharing {@code metrics} with an earlier one, as after a restart. */
    public FakeStageContext(Map<String, Object> config, long seed, Path runDirectory, FakeMetrics metrics) {
        this("test", config, seed, runDirectory, metrics);
    }

    public FakeStageContext(String stageName, Map<String, Object> config, long seed, Path runDirectory,
                            FakeMetrics metrics) {
        this.stageName = stageName;
        this.config = new Settings(config);
        this.seed = seed;
        this.runDirectory = runDirectory;
        this.metrics = metrics;
    }

    /** Sets the clock without running timers. */
    public void setNanos(long nanos) {
        this.nowNanos = nanos;
    }

    public long nanos() {
        return nowNanos;
    }

    /** Moves the clock to {@code nanos}, running every due timer in time order at its own time. */
    public void advanceTo(long nanos) {
        while (!timers.isEmpty() && timers.peek().at() <= nanos) {
            Timer t = timers.poll();
            if (t.cancelled()[0]) {
                continue;
            }
            nowNanos = Math.max(nowNanos, t.at());
            if (t.period() > 0) {
                timers.add(new Timer(t.at() + t.period(), t.period(), timerOrder++, t.task(), t.cancelled()));
            }
            t.task().run();
        }
        nowNanos = Math.max(nowNanos, nanos);
    }

    /** Cancels every pending timer, as the engine does for a killed stage instance. */
    public void cancelTimers() {
        timers.forEach(t -> t.cancelled()[0] = true);
        timers.clear();
    }

    /** Timers not yet run nor cancelled. */
    public int pendingTimers() {
        return (int) timers.stream().filter(t -> !t.cancelled()[0]).count();
    }

    public List<Emitted> emitted() {
        return emitted;
    }

    public <T> List<T> emitted(String topic, Class<T> type) {
        return emitted.stream().filter(e -> e.topic().equals(topic)).map(e -> type.cast(e.payload())).toList();
    }

    public FakeMetrics metricsImpl() {
        return metrics;
    }

    @Override
    public String stageName() {
        return stageName;
    }

    @Override
    public String runId() {
        return "test-run";
    }

    @Override
    public Mode mode() {
        return Mode.REPLAY;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Clock clock() {
        return () -> nowNanos;
    }

    @Override
    public Scheduler scheduler() {
        return new Scheduler() {
            @Override
            public Cancellable schedule(long delayNanos, Runnable task) {
                return add(nowNanos + delayNanos, 0, task);
            }

            @Override
            public Cancellable scheduleAt(long epochNanos, Runnable task) {
                return add(epochNanos, 0, task);
            }

            @Override
            public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
                if (periodNanos <= 0) {
                    throw new IllegalArgumentException("period must be > 0, got " + periodNanos);
                }
                return add(nowNanos + initialDelayNanos, periodNanos, task);
            }
        };
    }

    private Cancellable add(long at, long period, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Timer(at, period, timerOrder++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public Settings config() {
        return config;
    }

    @Override
    public FakeMetrics metrics() {
        return metrics;
    }

    @Override
    public Path runDirectory() {
        return runDirectory;
    }

    @Override
    public void emit(String topic, Object payload) {
        emitted.add(new Emitted(topic, payload));
    }
}
