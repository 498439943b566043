package io.soak.engine.internal;

import io.soak.api.plan.Fault;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fault {@code swap}: the stage moves to a new instance, its snapshot restored before any event.
 *
 * <p>Without a jar, a new instance of the same factory (in place). With {@code jar}, the jar is installed as
 * the stage's bundle through {@link io.soak.engine.StageRevival#install} (the launcher updates the bundle in
 * Felix): the old bundle's factory leaves the registry (the supervisor snapshots and drops the live instance,
 * the stage waits), the new bundle's factory arrives (a new instance of the new code, the snapshot restored).
 * The old and new bundle versions go into the fault record's params and {@code versions.swapped}.
 */
final class SwapFault {

    static final SwapFault INSTANCE = new SwapFault();

    String apply(Engine engine, Fault.Swap f, Records.Fault rec) {
        StageSlot s = FaultInjector.requireStage(engine, f.kind(), f.stage());
        if (!s.running()) {
            throw new IllegalStateException("stage " + f.stage() + " is not running (" + s.state.id() + ")");
        }
        if (f.jar() == null) {
            engine.supervisor.swapInstance(s, rec, "new instance");
            return rec.effect;
        }
        Path jar = Path.of(f.jar()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("fault swap: jar " + f.jar() + " does not exist");
        }
        if (engine.options.revival() == null) {
            throw new IllegalStateException("fault swap: this run has no bundle host to install " + f.jar() + " in");
        }
        String kind = s.name; // stages are named by their kind
        engine.supervisor.installing.add(kind);
        String versions;
        try {
            versions = engine.options.revival().install(kind, jar);
        } catch (Exception e) {
            engine.supervisor.installing.remove(kind);
            if (s.state == StageState.WAITING_FACTORY && engine.registry.stage(kind).isEmpty()) {
                engine.options.revival().revive(kind); // the update failed half-way: bring the old bundle back
            }
            throw new IllegalStateException("fault swap: installing " + jar.getFileName() + " as the bundle of stage "
                    + f.stage() + " failed: " + StageSlot.oneLine(e));
        } finally {
            engine.supervisor.installing.remove(kind);
        }
        rec.params.put("bundle_versions", versions);
        engine.swappedVersions.put(f.stage(), versions);
        rec.effect = "bundle of stage " + f.stage() + " updated from " + jar.getFileName() + " (" + versions
                + "); the stage moves to the new bundle's factory with its snapshot";
        engine.faults.record(rec);
        return rec.effect;
    }
}
