package io.soak.harvest.internal;

import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wall clock and a one-thread scheduler for socket-level tests: what the engine gives in live mode. The same
 * thread also runs the stage's handle calls ({@link #run}), as the stage's runner would.
 */
final class WallTime implements Clock, Scheduler, AutoCloseable {

    private final ScheduledExecutorService runner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-runner");
        t.setDaemon(true);
        return t;
    });
    private final long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    @Override
    public long nanos() {
        return System.nanoTime() + offset;
    }

    void run(Runnable task) {
        runner.execute(task);
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        var f = runner.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Cancellable scheduleAt(long epochNanos, Runnable task) {
        return schedule(Math.max(0, epochNanos - nanos()), task);
    }

    @Override
    public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
        var f = runner.scheduleAtFixedRate(task, initialDelayNanos, periodNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
