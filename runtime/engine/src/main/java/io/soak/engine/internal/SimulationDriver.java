package io.soak.engine.internal;

import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.time.Cancellable;

/**
 * Deterministic simulation: one thread (the control thread), virtual time. The loop takes whichever comes
 * first, the next control timer or the next replay message, advances the virtual clock to it, and then
 * delivers queued events in pipeline order until nothing more can move at that instant.
 */
final class SimulationDriver implements Driver {

    private final Engine engine;

    SimulationDriver(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void startFeed() {
        // the loop pulls the replay itself
    }

    @Override
    public void loop() throws Exception {
        EngineClock.Virtual vc = (EngineClock.Virtual) engine.clock;
        ControlThread control = engine.control;
        SourceIntake intake = engine.intake;
        while (engine.phase != Engine.Phase.DONE) {
            control.runHandedOver();
            if (engine.phase == Engine.Phase.DONE) {
                break;
            }
            long tt = control.timers.nextDue();
            long tm = Long.MAX_VALUE;
            if (!intake.stopped && intake.nextMessage != null && !engine.bus.ingressFull()) {
                tm = Math.max(intake.nextMessage.receivedNanos(), vc.nanos());
            }
            if (tt == Long.MAX_VALUE && tm == Long.MAX_VALUE) {
                // nothing can move: let the run end where it is
                engine.shutdown.begin("stalled");
                continue;
            }
            if (tt <= tm) {
                vc.advanceTo(tt);
                TimerQueue.Timer t = control.timers.pollDue(tt);
                if (t != null) {
                    t.task().run();
                }
            } else {
                vc.advanceTo(tm);
                intake.put(intake.nextMessage);
                intake.advance();
            }
            drain();
            if (intake.feedEnded && engine.phase == Engine.Phase.RUNNING && intake.nextMessage == null) {
                engine.metrics("source").fact("feed_exhausted", true);
                engine.shutdown.begin("feed_exhausted");
            }
        }
    }

    /** Delivers queued events in pipeline order until nothing more can move at this instant. */
    private void drain() {
        long now = engine.clock.nanos();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (StageSlot s : engine.slots) {
                while (s.state == StageState.RUNNING && s.hangUntil <= now
                        && (!s.redeliver.isEmpty() || !s.inbox.isEmpty()) && !s.downstreamFull()) {
                    if (!handleOne(s, now)) {
                        break;
                    }
                    progress = true;
                }
                if ((s.inbox.isEmpty() && s.redeliver.isEmpty()) || s.downstreamFull()) {
                    s.lastProgress = now;
                }
            }
        }
    }

    private boolean handleOne(StageSlot s, long now) {
        InstanceContext c = s.ctx;
        Stage stage = s.instance;
        int g = s.gen;
        Envelope e = s.redeliver.pollFirst();
        if (e == null) {
            e = s.inbox.poll();
        }
        s.inFlight = e;
        try {
            if (s.crashPending) {
                s.crashPending = false;
                throw new StageSlot.InjectedCrash();
            }
            stage.handle(e);
        } catch (Throwable t) {
            c.discard();
            engine.supervisor.stageDied(s, g, t instanceof StageSlot.InjectedCrash ? "crash"
                    : "exception: " + StageSlot.oneLine(t), t);
            return false;
        }
        s.inFlight = null;
        s.handled++;
        s.lastProgress = now;
        try {
            c.flush();
        } catch (InterruptedException ie) {
            throw new IllegalStateException(ie);
        }
        if (s.sup.pendingRecovery != null) {
            engine.supervisor.recovered(s);
        }
        return true;
    }

    @Override
    public void settle(long timeoutNanos) {
        long deadline = engine.clock.nanos() + timeoutNanos;
        EngineClock.Virtual vc = (EngineClock.Virtual) engine.clock;
        TimerQueue timers = engine.control.timers;
        while (true) {
            drain();
            if (engine.shutdown.quiet()) {
                return;
            }
            long tt = timers.nextDue();
            if (tt == Long.MAX_VALUE || tt > deadline) {
                return;
            }
            vc.advanceTo(tt);
            TimerQueue.Timer t = timers.pollDue(tt);
            if (t != null) {
                t.task().run();
            }
        }
    }

    @Override
    public void launch(StageSlot slot, int g, Stage stage, InstanceContext c, byte[] restore) {
        engine.supervisor.startInstance(slot, g, stage, c, restore);
    }

    @Override
    public Cancellable stageTimer(StageSlot slot, InstanceContext ctx, long due, long period, Runnable task) {
        TimerQueue timers = engine.control.timers;
        TimerQueue.Timer[] self = new TimerQueue.Timer[1];
        Runnable wrapped = new Runnable() {
            @Override
            public void run() {
                if (ctx.dead || slot.gen != ctx.g) {
                    self[0].cancel();
                    return;
                }
                long now = engine.clock.nanos();
                if (slot.hangUntil > now || !slot.running()) {
                    if (period == 0 && slot.running()) {
                        timers.add(slot.hangUntil, 0, TimerQueue.PRIO_NORMAL, this);
                    }
                    return;
                }
                try {
                    task.run();
                    ctx.flush();
                } catch (Throwable t) {
                    ctx.discard();
                    engine.supervisor.stageDied(slot, ctx.g, "timer threw " + StageSlot.oneLine(t), t);
                }
            }
        };
        self[0] = timers.add(due, period, TimerQueue.PRIO_NORMAL, wrapped);
        return self[0];
    }

    @Override
    public void stopFeed() {
        // no feeder thread
    }

    @Override
    public void closeSink(SinkWriter w, long timeoutMs) throws Exception {
        w.close();
    }
}
