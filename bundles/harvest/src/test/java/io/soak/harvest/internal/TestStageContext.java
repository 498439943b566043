package io.soak.harvest.internal;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stage context that records emissions (what the engine would publish), on virtual time
 * ({@link VirtualTime}, mode replay) or on the wall clock with timers on the runner thread ({@link WallTime},
 * mode live, for the socket tests).
 */
final class TestStageContext implements StageContext {
    private final Clock clock;
    private final Scheduler scheduler;
    private final Mode mode;
    final StageMetrics metrics;
    final Settings settings;
    final List<Object> emitted = java.util.Collections.synchronizedList(new ArrayList<>());

    TestStageContext(VirtualTime time, TestMetrics metrics, Map<String, Object> settings) {
        this(time, time, Mode.REPLAY, metrics, new Settings(settings));
    }

    TestStageContext(WallTime time, StageMetrics metrics, Settings settings) {
        this(time, time, Mode.LIVE, metrics, settings);
    }

    private TestStageContext(Clock clock, Scheduler scheduler, Mode mode, StageMetrics metrics, Settings settings) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.mode = mode;
        this.metrics = metrics;
        this.settings = settings;
    }

    @Override
    public String stageName() {
        return "harvest";
    }

    @Override
    public String runId() {
        return "test";
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public long seed() {
        return 1;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public Settings config() {
        return settings;
    }

    @Override
    public StageMetrics metrics() {
        return metrics;
    }

    @Override
    public Path runDirectory() {
        return Path.of("target", "run");
    }

    @Override
    public void emit(String topic, Object payload) {
        emitted.add(payload);
    }
}
