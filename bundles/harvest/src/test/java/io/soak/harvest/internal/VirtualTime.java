package io.soak.harvest.internal;

import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.util.PriorityQueue;

/** A virtual clock and scheduler for tests: time moves only through {@link #advanceTo}, timers run in order. */
final class VirtualTime implements Clock, Scheduler {

    private final class Timer implements Cancellable, Comparable<Timer> {
        long at;
        final long period;
        final Runnable task;
        final long order = seq++;
        boolean cancelled;

        Timer(long at, long period, Runnable task) {
            this.at = at;
            this.period = period;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private long now;
    private long seq;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();

    VirtualTime(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public synchronized long nanos() {
        return now;
    }

    /** Runs every timer due up to {@code t}, then sets the time to {@code t}. */
    void advanceTo(long t) {
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.at > t) {
                    now = Math.max(now, t);
                    return;
                }
                timers.poll();
                now = Math.max(now, next.at);
                if (next.cancelled) {
                    continue;
                }
                if (next.period > 0) {
                    next.at += next.period;
                    timers.add(next);
                }
            }
            next.task.run();
        }
    }

    @Override
    public synchronized Cancellable schedule(long delayNanos, Runnable task) {
        Timer t = new Timer(now + delayNanos, 0, task);
        timers.add(t);
        return t;
    }

    @Override
    public Cancellable scheduleAt(long epochNanos, Runnable task) {
        return schedule(Math.max(0, epochNanos - nanos()), task);
    }

    @Override
    public synchronized Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
        Timer t = new Timer(now + initialDelayNanos, periodNanos, task);
        timers.add(t);
        return t;
    }
}
