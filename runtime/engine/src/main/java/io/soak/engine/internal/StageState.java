package io.soak.engine.internal;

import java.util.Locale;

/**
 * What the engine observes of a stage (its status), as opposed to what was asked of it ({@link TargetState}).
 * Written by the supervisor, the drivers and the shutdown; read by health, status and the manifest (as
 * {@link #id()}). Compare Kafka Connect's {@code AbstractStatus.State}.
 */
enum StageState {
    /** An instance was created and is starting (start and restore not done yet). */
    STARTING,
    /** The instance handles events. */
    RUNNING,
    /** The instance died (kill, crash, stall); the restart policy has a restart pending. */
    RESTARTING,
    /** The stage's factory left (bundle stopped or swapped); waiting for one of its kind to be added. */
    WAITING_FACTORY,
    /** The restart policy gave up. */
    FAILED,
    /** Stopped by the graceful shutdown. */
    STOPPED;

    /** The manifest and status spelling: {@code running}, {@code waiting_factory}, ... */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
