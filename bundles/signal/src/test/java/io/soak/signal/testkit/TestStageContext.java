package io.soak.signal.testkit;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small, real StageContext for driving a stage without OSGi or the engine: a settable clock, metrics in
 * maps, and the emitted events collected in order. Timers are not supported (the signal and broker stages
 * use none).
 */
public final class TestStageContext implements StageContext {

    /** One emitted event. */
    public record Emitted(String topic, Object payload) {
    }

    private final Settings config;
    private final long seed;
    private final Path runDirectory;
    private long nowNanos;
    private final List<Emitted> emitted = new ArrayList<>();
    private final Metrics metrics;

    public TestStageContext(Map<String, Object> config, long seed, Path runDirectory) {
        this(config, seed, runDirectory, new Metrics());
    }

    /** A context sharing {@code metrics} with an earlier one: the engine's metrics survive restarts. */
    public TestStageContext(Map<String, Object> config, long seed, Path runDirectory, Metrics metrics) {
        this.config = new Settings(config);
        this.seed = seed;
        this.runDirectory = runDirectory;
        this.metrics = metrics;
    }

    public void setNanos(long nanos) {
        this.nowNanos = nanos;
    }

    public List<Emitted> emitted() {
        return emitted;
    }

    public <T> List<T> emitted(String topic, Class<T> type) {
        return emitted.stream().filter(e -> e.topic().equals(topic)).map(e -> type.cast(e.payload())).toList();
    }

    public Metrics metricsImpl() {
        return metrics;
    }

    @Override
    public String stageName() {
        return "test";
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
                throw new UnsupportedOperationException("no timers in this test context");
            }

            @Override
            public Cancellable scheduleAt(long epochNanos, Runnable task) {
                throw new UnsupportedOperationException("no timers in this test context");
            }

            @Override
            public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
                throw new UnsupportedOperationException("no timers in this test context");
            }
        };
    }

    @Override
    public Settings config() {
        return config;
    }

    @Override
    public StageMetrics metrics() {
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

    /** Counters (no boxing per increment, like the engine's), gauges and facts kept in sorted maps. */
    public static final class Metrics implements StageMetrics {
        private final Map<String, java.util.concurrent.atomic.AtomicLong> counters = new java.util.concurrent.ConcurrentHashMap<>();
        public final Map<String, Double> gauges = new TreeMap<>();
        public final Map<String, Object> facts = new TreeMap<>();

        @Override
        public synchronized void add(String name, long delta) {
            counters.computeIfAbsent(name, n -> new java.util.concurrent.atomic.AtomicLong()).addAndGet(delta);
        }

        @Override
        public synchronized long counter(String name) {
            var c = counters.get(name);
            return c == null ? 0L : c.get();
        }

        @Override
        public synchronized void gauge(String name, double value) {
            gauges.put(name, value);
        }

        @Override
        public synchronized void fact(String name, Object value) {
            facts.put(name, value);
        }
    }
}
