package io.soak.engine.internal;

import io.soak.api.source.RawMessage;
import io.soak.api.stage.Stage;
import io.soak.api.time.Cancellable;
import java.util.concurrent.TimeUnit;

/**
 * Threaded mode: one runner thread per stage instance ({@link StageRunner}), a sink writer thread per sink,
 * the paced feeder thread for a replay, and the control loop (due control timers, then work handed over by
 * other threads) on the thread that called {@link Engine#run()}.
 */
final class ThreadedDriver implements Driver {

    private final Engine engine;
    private Thread feeder;

    ThreadedDriver(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void startFeed() {
        if (engine.intake.replay == null) {
            return;
        }
        feeder = new Thread(this::pacedFeed, "soak-replay-feed");
        feeder.setDaemon(true);
        feeder.start();
    }

    @Override
    public void loop() throws InterruptedException {
        while (engine.phase != Engine.Phase.DONE) {
            step(50_000_000L);
        }
    }

    /** One step of the control thread: due timers, then work from other threads (waits at most {@code maxWait}). */
    private void step(long maxWaitWall) throws InterruptedException {
        EngineClock clock = engine.clock;
        ControlThread control = engine.control;
        long now = clock.nanos();
        TimerQueue.Timer t;
        long next;
        synchronized (control.timers) {
            t = control.timers.pollDue(now);
            next = control.timers.nextDue();
        }
        if (t != null) {
            t.task().run();
        }
        control.runHandedOver();
        if (t != null) {
            return;
        }
        long wait = next == Long.MAX_VALUE ? maxWaitWall : Math.min(maxWaitWall, clock.toWallNanos(next - now));
        if (wait > 0) {
            control.awaitHandedOver(wait);
        }
    }

    @Override
    public void settle(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (!engine.shutdown.quiet() && System.nanoTime() < deadline) {
                step(2_000_000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Paced replay: offers each message when the engine clock reaches its receive time; never drops. */
    private void pacedFeed() {
        SourceIntake intake = engine.intake;
        EngineClock clock = engine.clock;
        try {
            while (!intake.stopped) {
                RawMessage m = intake.nextMessage;
                if (m == null) {
                    intake.feedEnded = true;
                    engine.metrics("source").fact("feed_exhausted", true);
                    engine.control.post(() -> engine.shutdown.begin("feed_exhausted"));
                    return;
                }
                if (m.receivedNanos() >= engine.endNanos) {
                    return;
                }
                long wait;
                while ((wait = m.receivedNanos() - clock.nanos()) > 0 && !intake.stopped) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(20_000_000L, Math.max(1, clock.toWallNanos(wait))));
                }
                if (intake.stopped) {
                    return;
                }
                intake.put(m);
                intake.advance();
            }
        } catch (InterruptedException | java.io.InterruptedIOException e) {
            // stopFeed: interrupted while pacing or while waiting for the replay reader thread
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Engine.LOG.error("replay feed failed: {}", StageSlot.oneLine(e), e);
            engine.control.post(() -> engine.shutdown.begin("feed_failed: " + StageSlot.oneLine(e)));
        }
    }

    @Override
    public void launch(StageSlot slot, int g, Stage stage, InstanceContext c, byte[] restore) {
        Thread previous = slot.runner;
        Thread t = new Thread(new StageRunner(slot, g, stage, c, previous, restore), "soak-stage-" + slot.name + "-" + g);
        t.setDaemon(true);
        slot.runner = t;
        t.start();
    }

    @Override
    public Cancellable stageTimer(StageSlot slot, InstanceContext ctx, long due, long period, Runnable task) {
        synchronized (slot.timers) {
            return slot.timers.add(due, period, TimerQueue.PRIO_NORMAL, task);
        }
    }

    @Override
    public void stopFeed() {
        if (feeder != null) {
            feeder.interrupt();
            try {
                feeder.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Emergency: interrupt the feeder without waiting. */
    void interruptFeed() {
        if (feeder != null) {
            feeder.interrupt();
        }
    }

    @Override
    public void closeSink(SinkWriter w, long timeoutMs) throws Exception {
        w.stopThread(timeoutMs);
    }
}
