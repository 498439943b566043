package io.soak.engine.internal;

/**
 * What the engine asks of a stage, kept apart from what it observes ({@link StageState}): the runner and the
 * supervisor act on the target, the manifest reports the observed state. Compare Kafka Connect's
 * {@code TargetState} vs {@code AbstractStatus.State}.
 */
enum TargetState {
    /** The stage should run (restarted by the supervisor when it dies). */
    STARTED,
    /** The graceful shutdown (or an emergency stop) asked the stage to stop: the runner exits. */
    STOPPED
}
