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

/** A stage context on virtual time that records emissions (what the engine would publish). */
final class TestStageContext implements StageContext {
    final VirtualTime time;
    final TestMetrics metrics;
    final Settings settings;
    final List<Object> emitted = new ArrayList<>();

    TestStageContext(VirtualTime time, TestMetrics metrics, Map<String, Object> settings) {
        this.time = time;
        this.metrics = metrics;
        this.settings = new Settings(settings);
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
        return Mode.REPLAY;
    }

    @Override
    public long seed() {
        return 1;
    }

    @Override
    public Clock clock() {
        return time;
    }

    @Override
    public Scheduler scheduler() {
        return time;
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
