package io.soak.engine.internal;

import io.soak.api.plan.FaultSpec;
import java.time.Duration;

/**
 * Fault {@code hang}: the stage makes no progress for the fault's duration (default twice the heartbeat
 * timeout); the watchdog restarts it when that exceeds the heartbeat timeout, the fault record linked to it.
 */
final class HangFault implements FaultInjector.Handler {

    static final HangFault INSTANCE = new HangFault();

    @Override
    public String apply(Engine engine, FaultSpec spec, Records.Fault rec) {
        StageSlot s = FaultInjector.requireStage(engine, spec.kind(), spec.target());
        long now = rec.atNanos;
        long d = spec.duration().isZero() ? engine.policy.heartbeatTimeout().toNanos() * 2 : spec.duration().toNanos();
        s.hangUntil = now + d;
        rec.endNanos = now + d;
        rec.effect = "stage makes no progress for " + Duration.ofNanos(d);
        engine.faults.record(rec);
        if (engine.sim) {
            engine.control.timers.add(now + d, 0, TimerQueue.PRIO_NORMAL, () -> { }); // virtual time reaches the end
        }
        engine.supervisor.watch(s, rec);
        return rec.effect;
    }
}
