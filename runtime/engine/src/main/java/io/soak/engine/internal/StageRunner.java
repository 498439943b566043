package io.soak.engine.internal;

import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import java.util.concurrent.locks.LockSupport;

/**
 * Threaded mode: the runner loop of one stage instance, on its own thread ({@code soak-stage-<name>-<gen>}).
 * Handles redelivered then queued events, the instance's timers and the actions other threads hand it
 * (health checks, snapshot, stop); exits when the generation changes or the target is {@link TargetState#STOPPED}.
 */
final class StageRunner implements Runnable {

    private final StageSlot slot;
    private final int g;
    private final Stage stage;
    private final InstanceContext c;
    private final Thread previous;
    private final byte[] restoreState;

    StageRunner(StageSlot slot, int g, Stage stage, InstanceContext c, Thread previous, byte[] restoreState) {
        this.slot = slot;
        this.g = g;
        this.stage = stage;
        this.c = c;
        this.previous = previous;
        this.restoreState = restoreState;
    }

    @Override
    public void run() {
        StageSlot s = slot;
        Supervisor supervisor = s.engine.supervisor;
        EngineClock clock = s.engine.clock;
        long maxWait = 10_000_000L;
        try {
            if (previous != null) {
                previous.join(1000);
            }
            if (!supervisor.startInstance(s, g, stage, c, restoreState)) {
                return;
            }
            while (true) {
                if (s.gen != g) {
                    return;
                }
                Runnable a;
                while ((a = s.actions.poll()) != null) {
                    a.run();
                }
                if (s.stopRequested()) {
                    return;
                }
                long now = clock.nanos();
                long hang = s.hangUntil;
                if (hang > now) {
                    LockSupport.parkNanos(Math.max(100_000L, Math.min(5_000_000L, clock.toWallNanos(hang - now))));
                    continue;
                }
                // timers due on this runner
                long nextTimer;
                TimerQueue.Timer t;
                synchronized (s.timers) {
                    t = s.timers.pollDue(now);
                    nextTimer = s.timers.nextDue();
                }
                if (t != null) {
                    runTimer(t);
                    continue;
                }
                Envelope e = s.takeRedelivery(g);
                if (e == null) {
                    if (s.gen != g) {
                        return;
                    }
                    // move a batch of queued events to the redelivery deque in one queue operation: fewer
                    // lock hand-offs and wake-ups per event, and a kill still redelivers them in order
                    int moved = s.takeBatch(g);
                    if (moved < 0) {
                        return;
                    }
                    if (moved > 0) {
                        continue;
                    }
                    long wait = maxWait;
                    if (nextTimer != Long.MAX_VALUE) {
                        wait = Math.max(0, Math.min(wait, clock.toWallNanos(nextTimer - now)));
                    }
                    e = wait == 0 ? s.inbox.poll() : s.inbox.poll(wait);
                    if (e == null) {
                        s.lastProgress = clock.nanos();
                        continue;
                    }
                    if (!s.claim(g, e)) {
                        return;
                    }
                }
                if (s.crashPending) {
                    s.crashPending = false;
                    throw new StageSlot.InjectedCrash();
                }
                c.handling = true;
                s.originIn = e.seq();
                stage.handle(e);
                c.handling = false;
                if (!s.complete(g)) {
                    c.discard();
                    return;
                }
                s.handled++;
                long end = clock.nanos();
                s.lastProgress = end;
                // latency: the engine's stamp at the end of handle; its emissions carry the event's receipt
                s.origin = e.originNanos();
                s.handledAtNanos = end;
                s.engine.latency.record(s.handledLatency, s.origin, end);
                c.flush();
                s.originIn = -1;
                s.origin = 0;
                s.done++;
                if (s.sup.pendingRecovery != null) {
                    supervisor.recovered(s);
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (Throwable ex) {
            s.origin = 0;
            c.discard();
            supervisor.stageDied(s, g, ex instanceof StageSlot.InjectedCrash ? "crash" : "exception: "
                    + StageSlot.oneLine(ex), ex);
        }
    }

    private void runTimer(TimerQueue.Timer t) throws Exception {
        if (t.cancelled() || slot.gen != g) {
            return;
        }
        slot.originIn = -1;
        t.task().run();
        if (slot.gen != g) {
            c.discard();
            return;
        }
        c.flush();
    }
}
