package io.soak.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;

/** The engine's view of the current run, given to {@link RunExtension}s. */
public interface RunContext {

    String runId();

    ScenarioPlan plan();

    /** {@code runs/<run_id>}. */
    Path runDirectory();

    Clock clock();

    /** Engine timers (in simulation on the virtual clock); tasks run on the engine's control thread. */
    Scheduler scheduler();

    /** The whole effective configuration (config/defaults overlaid by the plan), flat dotted keys. */
    Settings config();

    /** Factories known to the run (stages, sinks, exporters, sources). */
    Registry registry();

    /** Engine-owned metrics of a named component (created on first use); they end up in the manifest. */
    StageMetrics metrics(String component);

    /** The current status (health, restarts, queues, resources). */
    RunStatus status();

    /**
     * End-to-end latency so far, one short text for progress lines: {@code "p99 12.3 ms"} (receive → committed
     * in every sink, wall ms), {@code "n/a (max-pace)"} in a max-pace simulation, {@code "-"} before the first
     * committed decision. The figures are the manifest's {@code latency} section.
     */
    default String latencySummary() {
        return "-";
    }

    /** The canonical mapper: snake_case, sorted map keys, records; the one used for rows and manifests. */
    ObjectMapper json();
}
