package io.soak.engine;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.ScenarioPlan;
import io.soak.engine.internal.Engine;
import java.nio.file.Path;
import java.util.List;

/**
 * One run of a scenario plan: the facade the launcher, the shell and tests use. {@link #run()} blocks
 * until the run has ended (duration over, feed exhausted, {@link #requestStop} or a runtime failure),
 * writes the run and source manifests, evaluates the plan's expectations and returns the outcome.
 * {@link #requestStop}, {@link #inject}, {@link #status()} may be called from any thread while it runs.
 */
public final class SoakRun {

    private final Engine engine;

    public SoakRun(ScenarioPlan plan, Registry registry, List<RunExtension> extensions, EngineOptions options) {
        this.engine = new Engine(plan, registry, extensions, options);
    }

    /** Runs to the end; never throws for a run failure (exit code 3 and the cause in {@code failures}). */
    public RunOutcome run() {
        return engine.run();
    }

    /** Starts the graceful stop (SIGINT/SIGTERM, shell {@code stop}); returns at once. Idempotent. */
    public void requestStop(String reason) {
        engine.requestStop(reason);
    }

    /**
     * Injects a fault now (its {@code at} is ignored). Returns a one-line description of what was done.
     *
     * @throws IllegalArgumentException for an unknown kind or target
     * @throws IllegalStateException    when the run is not running
     */
    public String inject(FaultSpec fault) {
        return engine.inject(fault);
    }

    /** The current status (health, restarts, queues, resources). */
    public RunStatus status() {
        return engine.status();
    }

    public String runId() {
        return engine.runId();
    }

    /** {@code runsRoot/<run_id>}. */
    public Path runDirectory() {
        return engine.runDirectory();
    }
}
