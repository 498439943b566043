package io.soak.engine.internal;

import io.soak.api.time.Cancellable;
import java.util.PriorityQueue;

/**
 * A heap of timers on engine time, ordered by (due time, priority, insertion order), so that runs are
 * reproducible in simulation. Not thread-safe: its owner (the simulation driver, the control loop, one
 * stage runner) synchronises when other threads may schedule.
 */
public final class TimerQueue {

    /** Lower runs first among timers due at the same instant. */
    public static final int PRIO_NORMAL = 5;
    public static final int PRIO_LAST = 9;

    /** One scheduled task; {@code period} > 0 for fixed-rate timers. */
    public static final class Timer implements Comparable<Timer>, Cancellable {
        long due;
        final long period;
        final int priority;
        long order;
        final Runnable task;
        volatile boolean cancelled;

        Timer(long due, long period, int priority, Runnable task) {
            this.due = due;
            this.period = period;
            this.priority = priority;
            this.task = task;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        public boolean cancelled() {
            return cancelled;
        }

        public long due() {
            return due;
        }

        public Runnable task() {
            return task;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due, o.due);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(priority, o.priority);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    private final PriorityQueue<Timer> heap = new PriorityQueue<>();
    private long counter;

    public Timer add(long due, long period, int priority, Runnable task) {
        Timer t = new Timer(due, period, priority, task);
        t.order = counter++;
        heap.add(t);
        return t;
    }

    /** Due time of the next live timer, or Long.MAX_VALUE. */
    public long nextDue() {
        Timer t;
        while ((t = heap.peek()) != null && t.cancelled) {
            heap.poll();
        }
        return t == null ? Long.MAX_VALUE : t.due;
    }

    /** Removes and returns the next live timer due at or before {@code now}, re-arming fixed-rate ones; null if none. */
    public Timer pollDue(long now) {
        Timer t;
        while ((t = heap.peek()) != null) {
            if (t.cancelled) {
                heap.poll();
                continue;
            }
            if (t.due > now) {
                return null;
            }
            heap.poll();
            if (t.period > 0) {
                // re-arm the same object: cancel() on the caller's handle stops the series
                Timer fire = new Timer(t.due, 0, t.priority, t.task);
                t.due += t.period;
                t.order = counter++;
                heap.add(t);
                return fire;
            }
            return t;
        }
        return null;
    }

    public boolean isEmpty() {
        return nextDue() == Long.MAX_VALUE;
    }

    public void clear() {
        heap.clear();
    }

}
