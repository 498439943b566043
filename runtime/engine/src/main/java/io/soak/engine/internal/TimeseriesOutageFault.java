package io.soak.engine.internal;

import io.soak.api.plan.FaultSpec;
import io.soak.engine.RunExtension;

/**
 * Fault {@code timeseries-outage}: the time-series target is unreachable for the fault's duration. The engine
 * owns no exporter; the run extension that does (runtime/export) takes the fault through
 * {@link RunExtension#onFault} and fails (and counts) every push inside the window. A run without one refuses it.
 */
final class TimeseriesOutageFault implements FaultInjector.Handler {

    static final TimeseriesOutageFault INSTANCE = new TimeseriesOutageFault();

    @Override
    public String apply(Engine engine, FaultSpec spec, Records.Fault rec) {
        String effect = null;
        for (RunExtension x : engine.extensions) {
            effect = x.onFault(engine.runContext, spec);
            if (effect != null) {
                break;
            }
        }
        if (effect == null) {
            throw new IllegalArgumentException("fault timeseries-outage: this run exports to no time-series target");
        }
        rec.effect = effect;
        if (!spec.duration().isZero()) {
            rec.endNanos = rec.atNanos + spec.duration().toNanos();
        }
        engine.faults.record(rec);
        return effect;
    }
}
