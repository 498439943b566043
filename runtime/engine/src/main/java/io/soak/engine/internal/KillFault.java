package io.soak.engine.internal;

import io.soak.api.plan.FaultSpec;

/**
 * Fault {@code kill}: the stage's live instance is dropped at once (its in-flight event goes back for
 * redelivery) and the supervisor restarts it under the restart policy, the fault record linked to that restart.
 */
final class KillFault implements FaultInjector.Handler {

    static final KillFault INSTANCE = new KillFault();

    @Override
    public String apply(Engine engine, FaultSpec spec, Records.Fault rec) {
        String target = spec.target();
        StageSlot s = FaultInjector.requireStage(engine, spec.kind(), target);
        if (!s.running()) {
            throw new IllegalStateException("stage " + target + " is not running (" + s.state.id() + ")");
        }
        boolean had;
        synchronized (s) {
            had = s.inFlight != null;
        }
        if (!s.invalidate(s.gen)) {
            throw new IllegalStateException("stage " + target + " is not running");
        }
        s.state = StageState.RESTARTING;
        s.hangUntil = 0;
        s.metrics.increment("kills");
        rec.effect = "killed instance" + (had ? "; in-flight event redelivered" : "");
        engine.faults.record(rec);
        engine.supervisor.scheduleRestart(s, "kill", rec);
        return rec.effect;
    }
}
