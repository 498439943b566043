package io.soak.engine.internal;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Settings;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Everything the engine keeps about one stage of the plan across its instances: the inbound queue, the
 * event in flight (redelivered after a kill or crash), the current instance and its generation (a killed
 * instance's runner and context notice the generation changed and discard what they still do), the
 * supervision state and records. In threaded mode it also holds the runner loop.
 */
final class StageSlot {

    /** Thrown inside the stage wrapper for a {@code crash} fault. */
    static final class InjectedCrash extends RuntimeException {
        InjectedCrash() {
            super("injected crash", null, false, false);
        }
    }

    final Engine engine;
    final String name;
    final int index;
    final Inbox inbox;
    final EngineMetrics metrics;
    final Settings config;
    StageSlot[] downstream = new StageSlot[0];

    // instance state
    volatile String state = "starting";
    volatile int gen;
    volatile Stage instance;
    /** The factory the current instance came from (a different one added while running means a new version). */
    volatile Object factory;
    volatile Ctx ctx;
    volatile Thread runner;
    final ArrayDeque<Envelope> redeliver = new ArrayDeque<>(); // guarded by this
    Envelope inFlight; // guarded by this

    // progress and faults
    volatile long handled;
    /** Threaded: events put into the inbox, and events handled with their emissions published (quiescence). */
    final java.util.concurrent.atomic.AtomicLong enqueued = new java.util.concurrent.atomic.AtomicLong();
    final java.util.concurrent.atomic.AtomicLong discarded = new java.util.concurrent.atomic.AtomicLong();
    volatile long done;
    volatile long lastProgress;
    volatile long hangUntil;
    volatile boolean crashPending;
    volatile long errors;
    long errorsAtLastTick;
    final ConcurrentLinkedQueue<Runnable> actions = new ConcurrentLinkedQueue<>();
    volatile boolean stopRequested;
    /** Threaded: the runner is publishing into a full downstream queue (backpressure, not a stall of its own). */
    volatile boolean waitingDownstream;

    // threaded-mode stage timers (guarded by itself)
    final TimerQueue timers = new TimerQueue();

    // supervision records (control thread only)
    int restartCount;
    final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
    final List<Records.Restart> restarts = new ArrayList<>();
    volatile Records.Restart pendingRecovery;
    long maxRecoveryMs;
    byte[] swapSnapshot;
    boolean swapPending;
    Cancellable restartTimer;

    // health (control thread only)
    long ticks;
    long greenTicks;
    HealthState lastHealth = HealthState.HEALTHY;
    String lastDetail = "";
    int depthAtLastTick;

    StageSlot(Engine engine, String name, int index, Inbox inbox, EngineMetrics metrics, Settings config) {
        this.engine = engine;
        this.name = name;
        this.index = index;
        this.inbox = inbox;
        this.metrics = metrics;
        this.config = config;
    }

    boolean running() {
        return "running".equals(state);
    }

    /** Pending work: queued, redelivery or in flight. */
    int backlog() {
        int n = inbox.size();
        synchronized (this) {
            n += redeliver.size() + (inFlight != null ? 1 : 0);
        }
        return n;
    }

    /** Threaded: events accepted but not yet handled and published (read upstream first for a consistent view). */
    long pending() {
        return enqueued.get() - done - discarded.get();
    }

    boolean downstreamFull() {
        for (StageSlot d : downstream) {
            if (d.inbox.full()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Invalidates the current instance (kill, crash, stall, factory gone): its in-flight event goes back to the
     * front of the redelivery queue. Returns false when {@code expectedGen} is no longer current.
     */
    synchronized boolean invalidate(int expectedGen) {
        if (gen != expectedGen) {
            return false;
        }
        gen++;
        if (inFlight != null) {
            redeliver.addFirst(inFlight);
            inFlight = null;
        }
        Ctx c = ctx;
        if (c != null) {
            c.dead = true;
        }
        instance = null;
        synchronized (timers) {
            timers.clear();
        }
        return true;
    }

    /** Next event for the instance of generation {@code g}: redelivery first. Null when none or invalidated. */
    synchronized Envelope takeRedelivery(int g) {
        if (gen != g) {
            return null;
        }
        Envelope e = redeliver.pollFirst();
        if (e != null) {
            inFlight = e;
        }
        return e;
    }

    /** Marks {@code e} (polled from the inbox) in flight; if the instance was invalidated it is kept for redelivery. */
    synchronized boolean claim(int g, Envelope e) {
        if (gen != g) {
            redeliver.addLast(e);
            return false;
        }
        inFlight = e;
        return true;
    }

    /** Threaded: moves up to a batch of queued events behind the redelivery deque; -1 when invalidated. */
    synchronized int takeBatch(int g) {
        if (gen != g) {
            return -1;
        }
        return ((Inbox.Threaded) inbox).drainTo(redeliver, BATCH);
    }

    static final int BATCH = 256;

    /** The event in flight was handled: its emissions may now be published. */
    synchronized boolean complete(int g) {
        if (gen != g) {
            return false;
        }
        inFlight = null;
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // threaded runner

    /** The runner loop of one instance (threaded mode). */
    void runLoop(int g, Stage stage, Ctx c, Thread previous, byte[] restoreState) {
        EngineClock clock = engine.clock();
        long maxWait = 10_000_000L;
        try {
            if (previous != null) {
                previous.join(1000);
            }
            if (!engine.startInstance(this, g, stage, c, restoreState)) {
                return;
            }
            while (true) {
                if (gen != g) {
                    return;
                }
                Runnable a;
                while ((a = actions.poll()) != null) {
                    a.run();
                }
                if (stopRequested) {
                    return;
                }
                long now = clock.nanos();
                long hang = hangUntil;
                if (hang > now) {
                    LockSupport.parkNanos(Math.max(100_000L, Math.min(5_000_000L, clock.toWallNanos(hang - now))));
                    continue;
                }
                // timers due on this runner
                long nextTimer;
                TimerQueue.Timer t;
                synchronized (timers) {
                    t = timers.pollDue(now);
                    nextTimer = timers.nextDue();
                }
                if (t != null) {
                    runTimer(g, c, t);
                    continue;
                }
                Envelope e = takeRedelivery(g);
                if (e == null) {
                    if (gen != g) {
                        return;
                    }
                    // move a batch of queued events to the redelivery deque in one queue operation: fewer
                    // lock hand-offs and wake-ups per event, and a kill still redelivers them in order
                    int moved = takeBatch(g);
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
                    e = wait == 0 ? inbox.poll() : inbox.poll(wait);
                    if (e == null) {
                        lastProgress = clock.nanos();
                        continue;
                    }
                    if (!claim(g, e)) {
                        return;
                    }
                }
                if (crashPending) {
                    crashPending = false;
                    throw new InjectedCrash();
                }
                c.handling = true;
                stage.handle(e);
                c.handling = false;
                if (!complete(g)) {
                    c.discard();
                    return;
                }
                handled++;
                lastProgress = clock.nanos();
                c.flush();
                done++;
                if (pendingRecovery != null) {
                    engine.recovered(this);
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (Throwable ex) {
            c.discard();
            engine.stageDied(this, g, ex instanceof InjectedCrash ? "crash" : "exception: " + oneLine(ex), ex);
        }
    }

    private void runTimer(int g, Ctx c, TimerQueue.Timer t) throws Exception {
        if (t.cancelled() || gen != g) {
            return;
        }
        t.task().run();
        if (gen != g) {
            c.discard();
            return;
        }
        c.flush();
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** Runs {@code task} on this stage's runner and waits at most {@code timeoutMs}; null when it did not run. */
    <T> T onRunner(java.util.function.Supplier<T> task, long timeoutMs) {
        if (engine.simulated() || Thread.currentThread() == runner) {
            return task.get();
        }
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        actions.add(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    HealthReport stageHealth() {
        Stage s = instance;
        if (s == null) {
            return null;
        }
        try {
            return s.health();
        } catch (RuntimeException e) {
            return HealthReport.of(HealthState.UNHEALTHY, "health() threw " + oneLine(e));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The context of one instance: emissions buffered per event, discarded once the instance is dead. */
    final class Ctx implements StageContext, Scheduler {
        final int g;
        volatile boolean dead;
        boolean handling;
        private String[] topics = new String[8];
        private Object[] payloads = new Object[8];
        private int count;

        Ctx(int g) {
            this.g = g;
        }

        @Override
        public String stageName() {
            return name;
        }

        @Override
        public String runId() {
            return engine.runId();
        }

        @Override
        public Mode mode() {
            return engine.plan().mode();
        }

        @Override
        public long seed() {
            return engine.plan().seed();
        }

        @Override
        public Clock clock() {
            return engine.clock();
        }

        @Override
        public Scheduler scheduler() {
            return this;
        }

        @Override
        public Settings config() {
            return config;
        }

        @Override
        public StageMetrics metrics() {
            return metrics;
        }

        @Override
        public Path runDirectory() {
            return engine.runDirectory();
        }

        @Override
        public void emit(String topic, Object payload) {
            if (dead) {
                return;
            }
            if (topic == null || payload == null) {
                throw new IllegalArgumentException("emit needs a topic and a payload, got " + topic + ", " + payload);
            }
            if (count == topics.length) {
                topics = java.util.Arrays.copyOf(topics, count * 2);
                payloads = java.util.Arrays.copyOf(payloads, count * 2);
            }
            topics[count] = topic;
            payloads[count] = payload;
            count++;
        }

        void discard() {
            java.util.Arrays.fill(payloads, 0, count, null);
            count = 0;
        }

        /** Publishes what was emitted, in order. */
        void flush() throws InterruptedException {
            int n = count;
            if (n == 0) {
                return;
            }
            count = 0;
            for (int i = 0; i < n; i++) {
                Object p = payloads[i];
                payloads[i] = null;
                engine.publish(StageSlot.this, topics[i], p);
            }
        }

        // Scheduler: timers of this instance, run on the stage's runner

        @Override
        public Cancellable schedule(long delayNanos, Runnable task) {
            if (delayNanos < 0) {
                throw new IllegalArgumentException("delay must be >= 0, got " + delayNanos);
            }
            return scheduleAt(engine.clock().nanos() + delayNanos, task);
        }

        @Override
        public Cancellable scheduleAt(long epochNanos, Runnable task) {
            return engine.stageTimer(StageSlot.this, this, epochNanos, 0, task);
        }

        @Override
        public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
            if (periodNanos <= 0) {
                throw new IllegalArgumentException("period must be > 0, got " + periodNanos);
            }
            return engine.stageTimer(StageSlot.this, this, engine.clock().nanos() + Math.max(0, initialDelayNanos),
                    periodNanos, task);
        }
    }
}
