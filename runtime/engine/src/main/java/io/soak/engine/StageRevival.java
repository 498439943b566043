package io.soak.engine;

/**
 * Asked by the engine when the factory of a running stage vanished from the {@link Registry} (its bundle
 * was stopped or uninstalled from outside the run): the launcher starts the bundle again, and the engine
 * restarts the stage when the factory is back. Called from an engine thread; must not block for long.
 */
@FunctionalInterface
public interface StageRevival {

    /** Brings back the bundle that provides stage kind {@code stageKind}, if it can. */
    void revive(String stageKind);
}
