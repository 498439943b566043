package io.soak.engine.internal;

import io.soak.api.plan.FaultSpec;
import io.soak.engine.RunExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Carries out faults (control thread): the plan's, at their time, and those injected while running
 * ({@link io.soak.engine.SoakRun#inject}). One handler per engine fault kind: {@link KillFault},
 * {@link CrashFault}, {@link HangFault}, {@link SwapFault}; {@code feed-*} goes to the feed emulator; any other
 * kind to the run extensions. Every fault, and every sink restart or failure, is recorded for the manifest.
 */
final class FaultInjector {

    /** One engine fault kind: applies {@code spec} now, fills and records {@code rec}, returns its effect. */
    interface Handler {
        String apply(Engine engine, FaultSpec spec, Records.Fault rec);
    }

    private final Engine engine;
    /** Every fault applied or not applied, sink restarts and failures, swaps (the manifest's faults). */
    final List<Records.Fault> records = new ArrayList<>();

    FaultInjector(Engine engine) {
        this.engine = engine;
    }

    void record(Records.Fault f) {
        records.add(f);
    }

    /** Schedules the plan's faults on the control timers. */
    void schedulePlanned() {
        for (FaultSpec f : engine.plan.faults()) {
            engine.control.timer(engine.startNanos + f.at().toNanos(), 0, TimerQueue.PRIO_NORMAL, () -> {
                if (engine.phase == Engine.Phase.RUNNING) {
                    try {
                        apply(f);
                    } catch (RuntimeException e) {
                        // a scheduled fault that cannot apply (stage restarting, no emulator) is evidence, not a crash
                        records.add(new Records.Fault(f.kind(), f.target(), engine.clock.nanos(), f.params(),
                                "not applied: " + e.getMessage()));
                        Engine.LOG.warn("fault {} on {} not applied: {}", f.kind(), f.target(), e.getMessage());
                    }
                }
            });
        }
    }

    /** A fault injected from any thread: applied on the control thread, its effect returned. */
    String inject(FaultSpec fault) {
        if (engine.phase != Engine.Phase.RUNNING) {
            throw new IllegalStateException("the run is not running (" + engine.phase.name().toLowerCase() + ")");
        }
        if (engine.control.onIt()) {
            return apply(fault);
        }
        CompletableFuture<String> f = new CompletableFuture<>();
        engine.control.post(() -> {
            try {
                f.complete(apply(fault));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("fault injection did not complete: " + StageSlot.oneLine(e));
        }
    }

    /** Applies a fault now (control thread) and records it. */
    private String apply(FaultSpec spec) {
        long now = engine.clock.nanos();
        String kind = spec.kind();
        Records.Fault rec = new Records.Fault(kind, spec.target(), now, spec.params(), "");
        if (kind.startsWith("feed-")) {
            if (engine.intake.emulator == null) {
                throw new IllegalArgumentException("fault " + kind + " needs the feed emulator, and this run has none");
            }
            rec.effect = engine.intake.emulator.inject(spec);
            rec.endNanos = spec.duration().isZero() ? now : now + spec.duration().toNanos();
            records.add(rec);
            return rec.effect;
        }
        Handler h = switch (kind) {
            case "kill" -> KillFault.INSTANCE;
            case "crash" -> CrashFault.INSTANCE;
            case "hang" -> HangFault.INSTANCE;
            case "swap" -> SwapFault.INSTANCE;
            default -> null;
        };
        return h != null ? h.apply(engine, spec, rec) : byExtension(spec, rec, now);
    }

    private String byExtension(FaultSpec spec, Records.Fault rec, long now) {
        String effect = null;
        for (RunExtension x : engine.extensions) {
            effect = x.onFault(engine.runContext, spec);
            if (effect != null) {
                break;
            }
        }
        if (effect == null) {
            throw new IllegalArgumentException("fault kind '" + spec.kind() + "' is handled by nothing in this run"
                    + " (engine: kill, crash, hang, swap, feed-* with the emulator)");
        }
        rec.effect = effect;
        if (!spec.duration().isZero()) {
            rec.endNanos = now + spec.duration().toNanos();
        }
        records.add(rec);
        return rec.effect;
    }

    static StageSlot requireStage(Engine engine, String kind, String target) {
        StageSlot s = engine.slotByName.get(target);
        if (s == null) {
            throw new IllegalArgumentException("fault " + kind + ": no stage '" + target + "' in this run");
        }
        return s;
    }

    /** A sink writer reopened its sink after a failure (any thread). */
    void sinkRecovered(SinkWriter w, String error, long atNanos, int rewritten) {
        engine.control.onControl(() -> {
            Records.Fault f = new Records.Fault("sink_restart", w.type, atNanos, Map.of(),
                    "sink reopened after '" + error + "'; " + rewritten + " uncommitted rows written again");
            f.endNanos = engine.clock.nanos();
            records.add(f);
        });
    }

    /** A sink writer could not reopen its sink (any thread). */
    void sinkFailed(SinkWriter w, String error, long atNanos) {
        engine.control.onControl(() -> records.add(new Records.Fault("sink_failed", w.type, atNanos, Map.of(),
                "sink could not be reopened: " + error)));
        Engine.LOG.error("sink {} failed for good: {}", w.type, error);
    }
}
