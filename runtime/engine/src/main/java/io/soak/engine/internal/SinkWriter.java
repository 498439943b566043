package io.soak.engine.internal;

import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to one sink in batches and commits on a timer and at stop. Every row since the last
 * successful commit is kept, so that a crashed sink (write or commit threw, or a {@code crash} fault) is
 * reopened through its factory and given every uncommitted row again (sinks are idempotent by identity).
 * Threaded mode: own writer thread fed by a bounded queue (blocking backpressure). Simulation: inline.
 */
final class SinkWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWriter.class);
    private static final int MAX_REOPEN = 5;

    final String type;
    private final SinkFactory factory;
    private final SinkContext context;
    final EngineMetrics metrics;
    private final int batchRows;
    private final long commitIntervalNanos;
    /** Threaded: commit whenever the queue is empty and rows wait ({@code sinks.group_commit}). */
    boolean groupCommit;
    private final Engine engine;
    private Sink sink;
    private final List<Row> uncommitted = new ArrayList<>();
    private int written; // rows of uncommitted already given to write()
    volatile boolean crashPending;
    volatile boolean failed;
    volatile String lastError = "";
    /** Engine time until which commits are held back ({@code slow-sink} fault). */
    private volatile long slowUntil = Long.MIN_VALUE;
    /** Inside the window, the least engine time between two commits (0: none until the window ends). */
    private volatile long slowDelay;
    /** Engine time of the last commit. */
    private volatile long lastCommitNanos = Long.MIN_VALUE;
    private int maxUncommitted;

    // latency (threaded): decision rows with a receipt stamp, accepted since the last commit
    /** A row and its stamps: receipt of the raw message it descends from, publication of its event. */
    record Traced(Row row, long origin, long published) {
    }

    private Latency latency;
    private org.HdrHistogram.Histogram publishedToCommitted;
    private org.HdrHistogram.Histogram receiveToCommitted;
    private long[] tracedSeq = new long[64];
    private long[] tracedOrigin = new long[64];
    private long[] tracedPublished = new long[64];
    private int traced;

    void traceLatency(Latency l) {
        latency = l;
        publishedToCommitted = l.hop("published_to_committed." + type);
        receiveToCommitted = l.hop("receive_to_committed." + type);
    }

    private void track(Traced t) {
        if (traced == tracedSeq.length) {
            tracedSeq = java.util.Arrays.copyOf(tracedSeq, traced * 2);
            tracedOrigin = java.util.Arrays.copyOf(tracedOrigin, traced * 2);
            tracedPublished = java.util.Arrays.copyOf(tracedPublished, traced * 2);
        }
        tracedSeq[traced] = t.row().seq();
        tracedOrigin[traced] = t.origin();
        tracedPublished[traced] = t.published();
        traced++;
    }

    /** After a successful commit: the commit stamp of every traced row it made durable. */
    private void committedTraced() {
        if (traced == 0 || latency == null) {
            return;
        }
        long now = engine.clock.nanos();
        for (int i = 0; i < traced; i++) {
            latency.record(publishedToCommitted, tracedPublished[i], now);
            latency.record(receiveToCommitted, tracedOrigin[i], now);
            latency.rowCommitted(tracedSeq[i], now);
        }
        traced = 0;
        if (tracedSeq.length > 4096) {
            tracedSeq = new long[64];
            tracedOrigin = new long[64];
            tracedPublished = new long[64];
        }
    }

    // threaded
    private ArrayBlockingQueue<Object> queue;
    private Thread thread;
    private volatile boolean closing;
    private long lastCommitWall;

    SinkWriter(Engine engine, String type, SinkFactory factory, SinkContext context, EngineMetrics metrics,
               int batchRows, long commitIntervalMs) {
        this.engine = engine;
        this.type = type;
        this.factory = factory;
        this.context = context;
        this.metrics = metrics;
        this.batchRows = Math.max(1, batchRows);
        this.commitIntervalNanos = Math.max(1, commitIntervalMs) * 1_000_000L;
    }

    long commitIntervalNanos() {
        return commitIntervalNanos;
    }

    void open() throws Exception {
        sink = factory.open(context);
    }

    // ------------------------------------------------------------------ simulation (inline) and shared logic

    /** Simulation: buffer and write when a batch is full. */
    void accept(Row row) {
        if (failed) {
            metrics.increment("rows_lost");
            return;
        }
        uncommitted.add(row);
        if (uncommitted.size() > maxUncommitted) {
            maxUncommitted = uncommitted.size();
            if (slowUntil != Long.MIN_VALUE) {
                metrics.gauge("max_uncommitted_rows", maxUncommitted);
            }
        }
        if (uncommitted.size() - written >= batchRows) {
            writePending();
        }
    }

    private void writePending() {
        if (written == uncommitted.size() || failed) {
            return;
        }
        List<Row> batch = List.copyOf(uncommitted.subList(written, uncommitted.size()));
        int attempt = 0;
        while (true) {
            try {
                checkCrash();
                sink.write(batch);
                written = uncommitted.size();
                metrics.add("rows_written", batch.size());
                metrics.increment("batches");
                return;
            } catch (Exception e) {
                if (!recover(e, ++attempt)) {
                    return;
                }
                // recover() rewrote every uncommitted row, the batch included
                if (written == uncommitted.size()) {
                    return;
                }
            }
        }
    }

    /** {@code slow-sink}: hold commits back until engine time {@code nanos}. */
    void slowUntil(long nanos, long delayNanos) {
        slowUntil = nanos;
        slowDelay = delayNanos;
        metrics.increment("slow_windows");
        metrics.gauge("max_uncommitted_rows", maxUncommitted);
    }

    /** Inside a {@code slow-sink} window. */
    boolean slow() {
        if (slowUntil == Long.MIN_VALUE) {
            return false;
        }
        long now = engine.clock.nanos();
        return now < slowUntil && (slowDelay <= 0 || lastCommitNanos == Long.MIN_VALUE || now - lastCommitNanos < slowDelay);
    }

    /** Writes what is pending and commits, unless a {@code slow-sink} window holds the commit back. */
    void commit() {
        if (failed || sink == null) {
            return;
        }
        if (slow()) {
            metrics.increment("commits_delayed");
            return;
        }
        commitNow();
    }

    /** The end of a {@code slow-sink} window (simulation): commits what was held back. */
    void commitIfDue() {
        if (!slow() && !failed && sink != null && !uncommitted.isEmpty()) {
            commitNow();
        }
    }

    private void commitNow() {
        writePending();
        int attempt = 0;
        while (!failed) {
            try {
                checkCrash();
                sink.commit();
                metrics.increment("commits");
                lastCommitNanos = engine.clock.nanos();
                committedTraced();
                metrics.add("rows_committed", uncommitted.size());
                uncommitted.clear();
                written = 0;
                return;
            } catch (Exception e) {
                if (!recover(e, ++attempt)) {
                    return;
                }
            }
        }
    }

    private void checkCrash() {
        if (crashPending) {
            crashPending = false;
            throw new IllegalStateException("injected crash of sink " + type);
        }
    }

    /** Reopens the sink and rewrites every uncommitted row; false when it gave up (sink failed). */
    private boolean recover(Exception cause, int attempt) {
        metrics.increment("crashes");
        lastError = StageSlot.oneLine(cause);
        LOG.warn("sink {} failed ({}); reopening and rewriting {} uncommitted rows", type, lastError, uncommitted.size());
        long at = engine.clock.nanos();
        try {
            sink.close();
        } catch (Exception ignored) {
            // the crashed instance is dropped; its close may fail too
        }
        while (attempt <= MAX_REOPEN) {
            try {
                sink = factory.open(context);
                if (!uncommitted.isEmpty()) {
                    sink.write(List.copyOf(uncommitted));
                    metrics.add("rows_rewritten", uncommitted.size());
                }
                written = uncommitted.size();
                engine.faults.sinkRecovered(this, lastError, at, uncommitted.size());
                return true;
            } catch (Exception again) {
                attempt++;
                lastError = StageSlot.oneLine(again);
            }
        }
        failed = true;
        engine.faults.sinkFailed(this, lastError, at);
        return false;
    }

    void close() {
        if (sink == null) {
            return;
        }
        slowUntil = Long.MIN_VALUE; // the stop ends a slow-sink window: everything is committed
        commit();
        try {
            sink.close();
        } catch (Exception e) {
            lastError = StageSlot.oneLine(e);
            metrics.increment("close_errors");
            LOG.warn("sink {} close failed: {}", type, lastError);
        }
        sink = null;
    }

    int uncommittedRows() {
        return uncommitted.size();
    }

    // ------------------------------------------------------------------ threaded

    void startThread() {
        queue = new ArrayBlockingQueue<>(Math.max(1024, batchRows * 2));
        lastCommitWall = System.nanoTime();
        thread = new Thread(this::threadLoop, "soak-sink-" + type);
        thread.setDaemon(true);
        thread.start();
    }

    /** Threaded: hands a row to the writer thread, blocking while its queue is full. */
    void put(Object row) throws InterruptedException {
        while (!queue.offer(row, 100, TimeUnit.MILLISECONDS)) {
            if (failed || !thread.isAlive()) {
                metrics.increment("rows_lost");
                return;
            }
        }
    }

    private void threadLoop() {
        List<Object> drained = new ArrayList<>(batchRows);
        try {
            while (true) {
                if (slow() && !closing) {
                    // slow-sink: the writer takes no rows while commits are held back, so its queue fills and
                    // the bus blocks (backpressure); the wait is the engine's own thread, bounded
                    TimeUnit.MILLISECONDS.sleep(5);
                    metrics.increment("slow_waits");
                    continue;
                }
                Object first = queue.poll(20, TimeUnit.MILLISECONDS);
                if (first != null) {
                    drained.add(first);
                    queue.drainTo(drained, batchRows - 1);
                    for (Object o : drained) {
                        if (o instanceof Traced t) {
                            if (!failed) {
                                track(t);
                            }
                            accept(t.row());
                        } else {
                            accept((Row) o);
                        }
                    }
                    drained.clear();
                } else if (closing && queue.isEmpty()) {
                    break;
                }
                // group commit (latency): rows are committed as soon as nothing more waits in the queue, so a
                // row waits for one commit at most, and rows that came together share it
                boolean idle = groupCommit && uncommitted.size() > 0 && queue.isEmpty();
                if (idle || System.nanoTime() - lastCommitWall >= commitIntervalNanos || crashPending) {
                    commit();
                    lastCommitWall = System.nanoTime();
                }
            }
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed = true;
            lastError = StageSlot.oneLine(e);
            LOG.error("sink writer {} died: {}", type, lastError, e);
        }
    }

    /** Threaded: writes everything queued, commits, closes; waits at most {@code timeoutMs}. */
    void stopThread(long timeoutMs) throws InterruptedException {
        closing = true;
        thread.join(timeoutMs);
        if (thread.isAlive()) {
            LOG.warn("sink writer {} did not finish within {} ms", type, timeoutMs);
        }
    }

    int queued() {
        return queue == null ? 0 : queue.size();
    }
}
