package io.soak.launcher.control;

import java.time.Duration;
import java.util.Map;

/**
 * What an operator can do to a run in progress, the one interface the CLI and the shell share (Kafka
 * Connect style: both are thin callers). {@link LocalRunControl} acts on a run of this process;
 * {@link ControlClient} on a run of another process over its loopback control channel. Results are plain
 * JSON-able maps and one-line strings, so both sides give the same answers.
 */
public interface RunControl extends AutoCloseable {

    /** The run id. */
    String runId();

    /**
     * The run now: {@code run_id, scenario, state, run_dir, time{engine_s, wall_s}, minute, figures{...},
     * stages[{stage, state, health, detail, restart_count, queue_depth, handled}], resources{...},
     * alerts{firing[], pending[]}, exports{ok, failed}, bundles{bsn: version}, operator_actions[...]}.
     */
    Map<String, Object> status();

    /**
     * Injects a fault now: {@code kill}, {@code crash}, {@code hang} of a stage, {@code feed-drop},
     * {@code feed-stall}, {@code feed-latency}, {@code feed-gap}, {@code feed-corrupt} through the feed
     * emulator. Returns the engine's one-line effect; recorded with {@code source: operator}.
     *
     * @throws IllegalArgumentException for an unknown kind or target
     * @throws IllegalStateException    when the run is not running
     */
    String fault(String kind, String target, Duration duration, Map<String, Object> params);

    /**
     * Hot swap of a stage onto a new build of its bundle ({@code jar}, a path readable by the run's process):
     * the bundle providing the stage is updated from the jar, the engine moves the stage's state to the new
     * instance. Returns a line naming the old and new versions.
     */
    String swap(String stage, String jar);

    /** Starts the graceful stop; returns at once. */
    String stop(String reason);

    @Override
    default void close() {
    }
}
