package io.soak.engine.internal;

import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Settings;
import io.soak.api.stage.Stage;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the engine keeps about one stage of the plan across its instances: the inbound queue, the
 * event in flight (redelivered after a kill or crash), the current instance and its generation (a killed
 * instance's runner and context notice the generation changed and discard what they still do), its target
 * and observed state. What the supervisor and the health monitor keep of it sits in {@link #sup} and
 * {@link #health}; the threaded runner loop is {@link StageRunner}, the instance's context {@link InstanceContext}.
 */
final class StageSlot {

    /** Thrown inside the stage wrapper for a {@code crash} fault. */
    static final class InjectedCrash extends RuntimeException {
        InjectedCrash() {
            super("injected crash", null, false, false);
        }
    }

    static final int BATCH = 256;

    final Engine engine;
    final String name;
    final int index;
    final Inbox inbox;
    final EngineMetrics metrics;
    final Settings config;
    StageSlot[] downstream = new StageSlot[0];
    final SupervisionRecord sup = new SupervisionRecord();
    final HealthRecord health = new HealthRecord();

    // requested vs observed
    volatile TargetState target = TargetState.STARTED;
    volatile StageState state = StageState.STARTING;

    // the instance
    volatile int gen;
    volatile Stage instance;
    /** The factory the current instance came from (a different one added while running means a new version). */
    volatile Object factory;
    volatile InstanceContext ctx;
    volatile Thread runner;
    final ArrayDeque<Envelope> redeliver = new ArrayDeque<>(); // guarded by this
    Envelope inFlight; // guarded by this
    /** Cluster mode (runner thread only): seq of the event whose emissions are being published, -1 for a timer. */
    long originIn = -1;
    int originK;
    /** Threaded: work for the runner between two events (health checks, snapshot, stop). */
    final ConcurrentLinkedQueue<Runnable> actions = new ConcurrentLinkedQueue<>();
    /** Threaded-mode stage timers (guarded by itself). */
    final TimerQueue timers = new TimerQueue();

    // progress
    volatile long handled;
    /** Latency: receipt → end of this stage's handle (null at max pace). */
    org.HdrHistogram.Histogram handledLatency;
    /** Runner thread only: receipt stamp of the event whose emissions are being published (0: none), and when its handle ended. */
    long origin;
    long handledAtNanos;
    /** Threaded: events put into the inbox, and events handled with their emissions published (quiescence). */
    final AtomicLong enqueued = new AtomicLong();
    final AtomicLong discarded = new AtomicLong();
    volatile long done;
    volatile long lastProgress;
    /** Threaded: the runner is publishing into a full downstream queue (backpressure, not a stall of its own). */
    volatile boolean waitingDownstream;

    // injected faults (set by the FaultInjector, acted on by the drivers)
    volatile long hangUntil;
    volatile boolean crashPending;

    StageSlot(Engine engine, String name, int index, Inbox inbox, EngineMetrics metrics, Settings config) {
        this.engine = engine;
        this.name = name;
        this.index = index;
        this.inbox = inbox;
        this.metrics = metrics;
        this.config = config;
    }

    boolean running() {
        return state == StageState.RUNNING;
    }

    boolean stopRequested() {
        return target == TargetState.STOPPED;
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
        InstanceContext c = ctx;
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

    /** The event in flight was handled: its emissions may now be published. */
    synchronized boolean complete(int g) {
        if (gen != g) {
            return false;
        }
        inFlight = null;
        return true;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** Runs {@code task} on this stage's runner and waits at most {@code timeoutMs}; null when it did not run. */
    <T> T onRunner(java.util.function.Supplier<T> task, long timeoutMs) {
        if (engine.sim || Thread.currentThread() == runner) {
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
}
