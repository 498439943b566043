package io.soak.itests.timeseries;

import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.Registry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A live run's alerts on the wall clock (the engine's clock in a live run), for tests that need wall time to
 * pass at an outside server (an Alertmanager's resolve_timeout): minutes closed on demand, health ticks on demand.
 */
final class WallRun {

    private final MinuteRun run;
    private final long firstMinuteStart;
    private int minutes;

    WallRun(String runId, Settings config, Path dir) {
        this.run = new MinuteRun(runId, new TimeseriesSpec("none", "", false, Map.of(), Map.of()), new Registry(), dir,
                config, Mode.LIVE, Pace.REALTIME, System.currentTimeMillis());
        this.firstMinuteStart = (System.currentTimeMillis() / 60_000L) * 60_000L - 120_000L;
    }

    void start() throws Exception {
        run.nowMs = System.currentTimeMillis();
        run.start();
    }

    /** Closes the next minute (100 decisions, 30 confirmed) with this low_consistency share. */
    void minute(double lowShare) {
        long start = firstMinuteStart + minutes * 60_000L;
        minutes++;
        run.nowMs = System.currentTimeMillis();
        Map<String, Long> gating = Map.of("low_consistency", Math.round(lowShare * 100));
        MinuteStats btc = new MinuteStats(start, "BTCUSDT", 100, 30, 10, 1 / 3.0, gating, lowShare, 15, 15, 1, 1, 600,
                Map.of());
        MinuteStats all = new MinuteStats(start, MinuteStats.ALL, 100, 30, 10, 1 / 3.0, gating, lowShare, 15, 15, 1, 1,
                600, Map.of());
        run.extension.onMinute(run, List.of(btc, all));
    }

    long lastMinuteEndMs() {
        return firstMinuteStart + minutes * 60_000L;
    }

    void tick() {
        run.nowMs = System.currentTimeMillis();
        run.extension.onHealthTick(run, run.status());
    }

    Map<String, Object> section(String name) {
        return run.section(name);
    }
}
