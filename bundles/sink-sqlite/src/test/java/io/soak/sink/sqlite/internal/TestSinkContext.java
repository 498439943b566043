package io.soak.sink.sqlite.internal;

import io.soak.api.sink.SinkContext;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A plain SinkContext for tests: a settable clock and in-memory metrics (the engine's are the same shape). */
final class TestSinkContext implements SinkContext {

    final Path dir;
    final Settings settings;
    final AtomicLong nowMs = new AtomicLong(1_723_161_255_000L);
    final Map<String, Long> counters = new ConcurrentHashMap<>();
    final Map<String, Object> facts = new ConcurrentHashMap<>();

    TestSinkContext(Path dir, Map<String, Object> settings) {
        this.dir = dir;
        this.settings = new Settings(settings);
    }

    @Override
    public String runId() {
        return "run-1";
    }

    @Override
    public Path runDirectory() {
        return dir;
    }

    @Override
    public Settings config() {
        return settings;
    }

    @Override
    public Clock clock() {
        return () -> nowMs.get() * 1_000_000L;
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
}
