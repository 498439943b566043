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

    /**
     * Installs {@code jar} as the bundle that provides stage kind {@code stageKind} (a bundle update): the
     * old bundle's factory leaves the registry and the new one's arrives. Returns the versions, for example
     * {@code "io.soak.signal 0.1.0 -> 0.2.0"}. Called on the engine's control thread by a {@code swap} fault
     * with a jar; must return once the update is done (the factory may register later).
     *
     * @throws Exception when the jar cannot be installed (the fault is refused, the old bundle keeps running)
     */
    default String install(String stageKind, java.nio.file.Path jar) throws Exception {
        throw new UnsupportedOperationException("this host cannot install bundles");
    }
}
