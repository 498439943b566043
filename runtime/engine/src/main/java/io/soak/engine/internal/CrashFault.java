package io.soak.engine.internal;

import io.soak.api.plan.FaultSpec;

/**
 * Fault {@code crash}: a stage's next event throws inside the stage (the supervisor restarts it, the fault
 * record linked to that restart), or a sink's next write or commit throws (its writer reopens it).
 */
final class CrashFault implements FaultInjector.Handler {

    static final CrashFault INSTANCE = new CrashFault();

    @Override
    public String apply(Engine engine, FaultSpec spec, Records.Fault rec) {
        String target = spec.target();
        StageSlot slot = engine.slotByName.get(target);
        SinkWriter sink = engine.sinks.stream().filter(w -> w.type.equals(target)).findFirst().orElse(null);
        if (slot != null) {
            slot.crashPending = true;
            rec.effect = "next event throws inside the stage";
        } else if (sink != null) {
            sink.crashPending = true;
            rec.effect = "next write or commit of sink " + target + " throws";
            rec.endNanos = rec.atNanos;
        } else {
            throw new IllegalArgumentException("unknown crash target '" + target + "' (stages "
                    + engine.slotByName.keySet() + ", sinks " + engine.sinks.stream().map(w -> w.type).toList() + ")");
        }
        engine.faults.record(rec);
        if (slot != null) {
            // the crash's restart (scheduled when it happens) carries this record
            engine.supervisor.watch(slot, rec);
        }
        return rec.effect;
    }
}
