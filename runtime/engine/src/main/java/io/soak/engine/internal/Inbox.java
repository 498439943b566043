package io.soak.engine.internal;

import io.soak.api.stage.Envelope;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stage's bounded inbound queue, owned by the engine so that it survives the stage's death. The simulation
 * variant is single-threaded and soft-bounded (the driver never delivers to a stage whose downstream is full,
 * so it only overflows by what one event emits); the threaded variant blocks.
 */
public abstract sealed class Inbox permits Inbox.Sim, Inbox.Threaded {

    protected final int capacity;
    private volatile int maxDepth;

    protected Inbox(int capacity) {
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }

    /** Non-blocking, bounded: false when full. */
    public abstract boolean offer(Envelope e);

    /** Blocking (threaded) or unconditional (simulation). */
    public abstract void put(Envelope e) throws InterruptedException;

    /** Waits at most {@code timeoutNanos} for space; false when still full. */
    public abstract boolean offer(Envelope e, long timeoutNanos) throws InterruptedException;

    public abstract Envelope poll();

    public abstract Envelope poll(long timeoutNanos) throws InterruptedException;

    public abstract int size();

    public abstract void clear();

    public boolean isEmpty() {
        return size() == 0;
    }

    public boolean full() {
        return size() >= capacity;
    }

    /** Highest depth seen at sampling points (health ticks). */
    public int maxDepth() {
        return maxDepth;
    }

    public void sampleDepth() {
        int s = size();
        if (s > maxDepth) {
            maxDepth = s;
        }
    }

    /** Simulation inbox. */
    public static final class Sim extends Inbox {
        private final ArrayDeque<Envelope> q;

        public Sim(int capacity) {
            super(capacity);
            this.q = new ArrayDeque<>(Math.min(capacity, 1 << 16) + 16);
        }

        @Override
        public boolean offer(Envelope e) {
            if (q.size() >= capacity) {
                return false;
            }
            q.addLast(e);
            return true;
        }

        @Override
        public void put(Envelope e) {
            q.addLast(e);
        }

        @Override
        public boolean offer(Envelope e, long timeoutNanos) {
            q.addLast(e);
            return true;
        }

        @Override
        public Envelope poll() {
            return q.pollFirst();
        }

        @Override
        public Envelope poll(long timeoutNanos) {
            return q.pollFirst();
        }

        @Override
        public int size() {
            return q.size();
        }

        @Override
        public boolean isEmpty() {
            return q.isEmpty();
        }

        @Override
        public void clear() {
            q.clear();
        }
    }

    /** Threaded inbox. */
    public static final class Threaded extends Inbox {
        private final ArrayBlockingQueue<Envelope> q;

        public Threaded(int capacity) {
            super(capacity);
            this.q = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        public boolean offer(Envelope e) {
            return q.offer(e);
        }

        @Override
        public void put(Envelope e) throws InterruptedException {
            q.put(e);
        }

        @Override
        public boolean offer(Envelope e, long timeoutNanos) throws InterruptedException {
            return q.offer(e, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public Envelope poll() {
            return q.poll();
        }

        @Override
        public Envelope poll(long timeoutNanos) throws InterruptedException {
            return q.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int size() {
            return q.size();
        }

        @Override
        public void clear() {
            q.clear();
        }

        /** Moves at most {@code max} queued events to {@code to}, in order, without blocking. */
        public int drainTo(java.util.Collection<Envelope> to, int max) {
            return q.drainTo(to, max);
        }
    }
}
