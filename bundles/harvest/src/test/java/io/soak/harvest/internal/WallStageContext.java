package io.soak.harvest.internal;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;

/** A live-mode stage context for socket tests: wall clock, timers on the same runner thread as handle. */
record WallStageContext(WallTime time, StageMetrics metrics, Settings config) implements StageContext {

    @Override
    public String stageName() {
        return "harvest";
    }

    @Override
    public String runId() {
        return "socket-test";
    }

    @Override
    public Mode mode() {
        return Mode.LIVE;
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
    public Path runDirectory() {
        return Path.of("target", "run");
    }

    @Override
    public void emit(String topic, Object payload) {
        // the socket tests look at counters and facts, not at the events
    }
}
