package io.soak.engine.internal;

import io.soak.api.plan.FaultSpec;

/** Fault {@code swap}: the stage's live instance is replaced by a new one, its snapshot restored before any event. */
final class SwapFault implements FaultInjector.Handler {

    static final SwapFault INSTANCE = new SwapFault();

    @Override
    public String apply(Engine engine, FaultSpec spec, Records.Fault rec) {
        StageSlot s = FaultInjector.requireStage(engine, spec.kind(), spec.target());
        if (!s.running()) {
            throw new IllegalStateException("stage " + spec.target() + " is not running");
        }
        engine.supervisor.swapInstance(s, rec, "new instance");
        return rec.effect;
    }
}
