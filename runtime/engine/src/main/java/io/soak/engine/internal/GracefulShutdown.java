package io.soak.engine.internal;

import io.soak.api.stage.Stage;
import io.soak.engine.RunExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graceful stop (control thread): intake first, then drain every queue (restarts still happen), the
 * extensions' onStopping, drain again, the stages in reverse pipeline order, the sinks, the sources. Records
 * the shutdown order for the manifest. Also the emergency stop after a runtime failure.
 */
final class GracefulShutdown {

    private final Engine engine;
    /** One entry per stage, in stop order: stage, at, drained, residual, error. */
    final List<Map<String, Object>> order = new ArrayList<>();

    GracefulShutdown(Engine engine) {
        this.engine = engine;
    }

    /** Asks for the stop from any thread. */
    void request(String reason) {
        engine.control.post(() -> begin(reason == null ? "requested" : reason));
    }

    /** The graceful stop (control thread); nothing when the run is not running. */
    void begin(String reason) {
        if (engine.phase != Engine.Phase.RUNNING) {
            return;
        }
        engine.phase = Engine.Phase.STOPPING;
        engine.stopReason = reason;
        Engine.LOG.info("run {} stopping ({})", engine.runId(), reason);
        // 1. intake
        if (engine.cluster != null) {
            engine.cluster.stopInbound();
        }
        engine.intake.stop(false);
        engine.driver.stopFeed();
        // 2. drain every queue (restarts still happen meanwhile)
        long drainTimeout = engine.merged.integer("engine.drain_timeout_ms", 30_000) * 1_000_000L;
        engine.driver.settle(drainTimeout);
        // 3. extensions
        for (RunExtension x : engine.extensions) {
            try {
                x.onStopping(engine.runContext);
            } catch (RuntimeException e) {
                engine.extensionErrors.put(x.name(), "onStopping: " + StageSlot.oneLine(e));
                Engine.LOG.warn("extension {} failed when stopping: {}", x.name(), StageSlot.oneLine(e));
            }
        }
        engine.driver.settle(drainTimeout);
        // 4. stages in reverse pipeline order
        for (int i = engine.slots.size() - 1; i >= 0; i--) {
            stopStage(engine.slots.get(i));
        }
        if (engine.cluster != null) {
            engine.cluster.finish(); // every output of this node published: tell the cluster
        }
        // 5. sinks
        for (SinkWriter w : engine.sinks) {
            try {
                engine.driver.closeSink(w, 30_000);
            } catch (Exception e) {
                Engine.LOG.warn("sink {} did not close cleanly: {}", w.type, StageSlot.oneLine(e));
            }
        }
        engine.intake.close();
        engine.endedNanos = engine.clock.nanos();
        engine.phase = Engine.Phase.DONE;
    }

    /** True when no stage that can still work has anything queued, in flight or unpublished. */
    boolean quiet() {
        for (StageSlot s : engine.slots) {
            if (s.state == StageState.FAILED || s.state == StageState.WAITING_FACTORY) {
                continue;
            }
            if (engine.sim ? (!s.inbox.isEmpty() || !s.redeliver.isEmpty()) : s.pending() > 0) {
                return false;
            }
        }
        return true;
    }

    private void stopStage(StageSlot s) {
        long at = engine.clock.nanos();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("stage", s.name);
        rec.put("at", Records.iso(at));
        int before = s.backlog();
        String error = null;
        if (s.running()) {
            Boolean ok = s.onRunner(() -> {
                try {
                    Stage st = s.instance;
                    if (st != null) {
                        st.stop();
                    }
                    s.ctx.flush();
                    return true;
                } catch (Exception e) {
                    s.ctx.discard();
                    Engine.LOG.warn("stage {} stop failed: {}", s.name, StageSlot.oneLine(e));
                    return false;
                } finally {
                    s.target = TargetState.STOPPED;
                }
            }, 10_000);
            if (ok == null || !ok) {
                error = ok == null ? "stop did not complete" : "stop threw";
            }
        } else {
            error = "not running (" + s.state.id() + ")";
        }
        s.target = TargetState.STOPPED;
        s.invalidate(s.gen);
        if (s.state != StageState.FAILED) {
            s.state = StageState.STOPPED;
        }
        if (s.runner != null) {
            try {
                s.runner.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int residual = s.backlog();
        rec.put("drained", before == 0 && residual == 0);
        rec.put("residual", residual);
        if (error != null) {
            rec.put("error", error);
        }
        order.add(rec);
    }

    /** After a runtime failure: stop what runs without the graceful sequence. */
    void emergency() {
        engine.intake.stop(true);
        if (engine.driver instanceof ThreadedDriver t) {
            t.interruptFeed();
        }
        for (StageSlot s : engine.slots) {
            s.target = TargetState.STOPPED;
            s.invalidate(s.gen);
            if (s.state != StageState.FAILED) {
                s.state = StageState.STOPPED;
            }
        }
        for (SinkWriter w : engine.sinks) {
            try {
                engine.driver.closeSink(w, 5_000);
            } catch (Exception ignored) {
                // best effort while failing
            }
        }
        engine.intake.close();
        if (engine.clock != null) {
            engine.endedNanos = engine.clock.nanos();
        }
        engine.phase = Engine.Phase.DONE;
    }
}
