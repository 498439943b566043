package io.soak.testing.fakes;

import io.soak.api.sink.SinkContext;
import io.soak.api.stage.Settings;
import io.soak.api.time.Clock;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A real {@link SinkContext} for a sink under test: run {@code run-1}, a settable clock, in-memory metrics. */
public final class FakeSinkContext implements SinkContext {

    private final Path runDirectory;
    private final Settings config;
    private final FakeMetrics metrics = new FakeMetrics();
    private final AtomicLong nowMs = new AtomicLong(1_723_161_255_000L);

    public FakeSinkContext(Path runDirectory, Map<String, Object> config) {
        this.runDirectory = runDirectory;
        this.config = new Settings(config);
    }

    /** The clock in ms since epoch; tests move it to trigger time-bounded flushes. */
    public AtomicLong nowMs() {
        return nowMs;
    }

    @Override
    public String runId() {
        return "run-1";
    }

    @Override
    public Path runDirectory() {
        return runDirectory;
    }

    @Override
    public Settings config() {
        return config;
    }

    @Override
    public Clock clock() {
        return () -> nowMs.get() * 1_000_000L;
    }

    @Override
    public FakeMetrics metrics() {
        return metrics;
    }
}
