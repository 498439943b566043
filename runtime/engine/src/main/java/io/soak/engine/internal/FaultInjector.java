package io.soak.engine.internal;

import io.soak.api.plan.Fault;
import io.soak.api.plan.FaultSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Carries out faults (control thread): the plan's, at their time, and those injected while running
 * ({@link io.soak.engine.SoakRun#inject}). The spec becomes one {@link Fault} of the closed set, handled by
 * {@link Fault.Handler} (one method per kind, so a kind without a handler does not compile): {@link KillFault},
 * {@link CrashFault}, {@link HangFault}, {@link SwapFault}, {@link SlowSinkFault}, {@link TimeseriesOutageFault};
 * {@code feed-*} goes to the feed emulator, or in a replay to {@link ReplayFeedFaults}. Every fault, and every sink restart or failure, is recorded for the
 * manifest.
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

    /** Applies a fault now (control thread) and records it: one handler per kind of the closed set. */
    private String apply(FaultSpec spec) {
        Fault fault = Fault.of(spec);
        Records.Fault rec = new Records.Fault(spec.kind(), spec.target(), engine.clock.nanos(), spec.params(), "");
        return fault.accept(new Fault.Handler<String>() {
            @Override
            public String kill(Fault.Kill f) {
                return KillFault.INSTANCE.apply(engine, spec, rec);
            }

            @Override
            public String crash(Fault.Crash f) {
                return CrashFault.INSTANCE.apply(engine, spec, rec);
            }

            @Override
            public String hang(Fault.Hang f) {
                return HangFault.INSTANCE.apply(engine, spec, rec);
            }

            @Override
            public String swap(Fault.Swap f) {
                return SwapFault.INSTANCE.apply(engine, f, rec);
            }

            @Override
            public String slowSink(Fault.SlowSink f) {
                return SlowSinkFault.INSTANCE.apply(engine, f, rec);
            }

            @Override
            public String timeseriesOutage(Fault.TimeseriesOutage f) {
                return TimeseriesOutageFault.INSTANCE.apply(engine, spec, rec);
            }

            @Override
            public String feed(Fault.Feed f) {
                if (engine.intake.emulator != null) {
                    rec.effect = engine.intake.emulator.inject(spec);
                } else if (engine.intake.feedFaults != null) {
                    rec.effect = engine.intake.feedFaults.inject(f, engine.clock.nanos()); // a replay: in engine time
                } else {
                    throw new IllegalArgumentException("fault " + f.kind() + " needs the feed emulator or a replay feed, and this run has neither");
                }
                rec.endNanos = spec.duration().isZero() ? rec.atNanos : rec.atNanos + spec.duration().toNanos();
                records.add(rec);
                return rec.effect;
            }
        });
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
