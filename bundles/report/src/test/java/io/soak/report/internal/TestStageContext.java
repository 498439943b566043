package io.soak.report.internal;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A StageContext on a manual virtual clock: {@link #advanceTo} runs due timers in time order. */
final class TestStageContext implements StageContext {

    record Emitted(String topic, Object payload) {
    }

    record Timer(long at, Runnable task, boolean[] cancelled) {
    }

    long nowNanos;
    final Settings settings;
    final List<Emitted> emitted = new ArrayList<>();
    final List<Timer> timers = new ArrayList<>();
    final Map<String, Long> counters = new HashMap<>();
    final Map<String, Object> facts = new HashMap<>();

    TestStageContext(long startMs, Map<String, Object> settings) {
        this.nowNanos = startMs * 1_000_000L;
        this.settings = new Settings(settings);
    }

    void advanceTo(long ms) {
        long target = ms * 1_000_000L;
        while (true) {
            Timer due = timers.stream().filter(t -> !t.cancelled()[0] && t.at() <= target)
                    .min(java.util.Comparator.comparingLong(Timer::at)).orElse(null);
            if (due == null) {
                break;
            }
            timers.remove(due);
            nowNanos = Math.max(nowNanos, due.at());
            due.task().run();
        }
        nowNanos = Math.max(nowNanos, target);
    }

    @Override
    public String stageName() {
        return "report";
    }

    @Override
    public String runId() {
        return "run-1";
    }

    @Override
    public Mode mode() {
        return Mode.REPLAY;
    }

    @Override
    public long seed() {
        return 1;
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
                return scheduleAt(nowNanos + delayNanos, task);
            }

            @Override
            public Cancellable scheduleAt(long epochNanos, Runnable task) {
                boolean[] c = {false};
                timers.add(new Timer(epochNanos, task, c));
                return () -> c[0] = true;
            }

            @Override
            public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
                throw new UnsupportedOperationException("not used by the report stage");
            }
        };
    }

    @Override
    public Settings config() {
        return settings;
    }

    @Override
    public StageMetrics metrics() {
        return new StageMetrics() {
            @Override
            public void add(String name, long delta) {
                counters.merge(name, delta, Long::sum);
            }

            @Override
            public long counter(String name) {
                return counters.getOrDefault(name, 0L);
            }

            @Override
            public void gauge(String name, double value) {
                facts.put(name, value);
            }

            @Override
            public void fact(String name, Object value) {
                facts.put(name, value);
            }
        };
    }

    @Override
    public Path runDirectory() {
        return Path.of("target");
    }

    @Override
    public void emit(String topic, Object payload) {
        emitted.add(new Emitted(topic, payload));
    }
}
