package io.soak.engine.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The control thread's plumbing: its timers (health tick, watchdog, faults, restarts, sink commits, the end of
 * the run, extension timers) and the queue through which other threads hand it work. The control thread is
 * the one that called {@link Engine#run()}; every supervision decision, health tick, fault, extension call and
 * manifest write happens on it. In simulation it is the only thread, and these timers are every timer.
 */
final class ControlThread {

    private final boolean sim;
    /** Simulation: every timer; threaded: control timers (guarded by itself). */
    final TimerQueue timers = new TimerQueue();
    private final LinkedBlockingQueue<Runnable> external = new LinkedBlockingQueue<>();
    private volatile Thread thread;

    ControlThread(boolean sim) {
        this.sim = sim;
    }

    /** The calling thread becomes the control thread. */
    void bind() {
        thread = Thread.currentThread();
    }

    boolean onIt() {
        return Thread.currentThread() == thread;
    }

    /** A control timer ({@code period} > 0: fixed rate). */
    TimerQueue.Timer timer(long due, long period, int prio, Runnable task) {
        if (sim) {
            return timers.add(due, period, prio, task);
        }
        TimerQueue.Timer t;
        synchronized (timers) {
            t = timers.add(due, period, prio, task);
        }
        if (!onIt()) {
            external.add(() -> { }); // wake the control loop: the new timer may be due before it would look again
        }
        return t;
    }

    /** Runs {@code task} on the control thread (now, when already on it). */
    void onControl(Runnable task) {
        if (onIt()) {
            task.run();
        } else {
            external.add(task);
        }
    }

    /** Hands {@code task} to the control thread (runs after the current step, even when called on it). */
    void post(Runnable task) {
        external.add(task);
    }

    /** Runs everything handed over so far. */
    void runHandedOver() {
        Runnable x;
        while ((x = external.poll()) != null) {
            x.run();
        }
    }

    /** Waits at most {@code wallNanos} for work handed over and runs it. */
    void awaitHandedOver(long wallNanos) throws InterruptedException {
        Runnable x = external.poll(wallNanos, TimeUnit.NANOSECONDS);
        if (x != null) {
            x.run();
        }
    }
}
