package io.soak.engine.internal;

import io.soak.api.stage.Stage;
import io.soak.api.time.Cancellable;

/**
 * How the stages are driven: {@link SimulationDriver} (one thread, virtual time, deterministic) or
 * {@link ThreadedDriver} (one runner thread per stage instance, the engine clock paced or live).
 */
sealed interface Driver permits SimulationDriver, ThreadedDriver {

    /** Starts whatever feeds the replay (threaded: the paced feeder thread). */
    void startFeed();

    /** The run's main loop, on the control thread, until the phase is DONE. */
    void loop() throws Exception;

    /** Runs (without new input) until every live stage's backlog is empty or {@code timeoutNanos} passed. */
    void settle(long timeoutNanos);

    /** Starts a new instance of {@code slot} (inline, or on a new runner thread). */
    void launch(StageSlot slot, int g, Stage stage, InstanceContext c, byte[] restore);

    /** A stage instance's timer: runs on its runner, never with handle, cancelled with the instance. */
    Cancellable stageTimer(StageSlot slot, InstanceContext ctx, long due, long period, Runnable task);

    /** Stops the paced feeder thread, if any, and waits a little for it. */
    void stopFeed();

    /** Closes a sink writer (threaded: stops its thread, waiting at most {@code timeoutMs}). */
    void closeSink(SinkWriter w, long timeoutMs) throws Exception;
}
