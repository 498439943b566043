package io.soak.engine.internal;

import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parallel reader of a replay (issue #16, "replay on both cores"): an engine-owned reader thread pulls the
 * replay feed (for the {@code capture} type: gunzip, line split, receive-time prefix, the envelope's stream and
 * symbol, plausibility, k-way merge, loop shifts and aliases) and hands the messages over in batches through a
 * bounded queue, in the order the feed gave them. The driver (the simulation loop, or the paced feeder) takes
 * them with {@link #next()} exactly as it took them from the feed itself, so the virtual-time simulation stays
 * single-threaded and its outputs (event hash, sink rows) are those of the sequential reader.
 *
 * <ul>
 *   <li><b>Ordered</b>: one producer, one consumer, a FIFO queue of batches, each batch in feed order.</li>
 *   <li><b>Bounded</b>: at most {@code batches} full batches wait, plus the one being filled and the one being
 *       consumed (memory: {@code (batches + 2) × batchSize} messages). The first batches hold 1, 2, 4, …
 *       messages up to {@code batchSize}, so the first message is handed over as soon as it is read.</li>
 *   <li><b>Errors in place</b>: a feed failure travels as the last item and is thrown by {@link #next()} after
 *       every message read before it, as the sequential reader would have thrown it there.</li>
 *   <li><b>The feed is used by one thread at a time</b>: the reader calls {@code next()} under a lock that
 *       {@link #describe()} and {@link #close()} take too (the feed need not be thread-safe).</li>
 * </ul>
 * A looped feed never ends: the reader runs ahead of delivery by at most the queue's bound and stops when the
 * feed is closed. The feed's own counts ({@code messages}, {@code messages_per_stream}, {@code loops}) then
 * include what was read ahead and not delivered; {@code read_ahead.read − read_ahead.delivered} says how many.
 */
final class ReadAheadFeed implements ReplayFeed {

    /** Name of the reader thread (the bench reports CPU time per thread by name). */
    static final String THREAD_NAME = "soak-replay-reader";
    /** Name of the parser thread: a second read-ahead stage that prepares the messages (see {@link RawPreparation}). */
    static final String PARSER_THREAD_NAME = "soak-replay-parser";

    /** One hand-off: up to batchSize messages in feed order; the end of the feed or its failure last. */
    private record Batch(RawMessage[] messages, int size, boolean end, Throwable failure) {
    }

    private final ReplayFeed feed;
    private final String threadName;
    /** Applied to every message on this feed's thread, before the hand-off; null: none. */
    private final RawPreparation prepare;
    private final int batchSize;
    private final int capacity;
    private final BlockingQueue<Batch> queue;
    private final Object lock = new Object();
    private final Thread reader;
    private volatile boolean closed;
    // consumer side (the driver thread only)
    private Batch current;
    private int index;
    private boolean ended;
    private long delivered;
    private long handOffs;
    private long consumerWaits;
    // producer side, read by describe() under the lock
    private long read;
    private long producerWaits;

    /**
     * Starts the reader thread.
     *
     * @param batchSize messages per hand-off, ≥ 1
     * @param batches   full batches that may wait in the queue, ≥ 1
     */
    ReadAheadFeed(ReplayFeed feed, int batchSize, int batches) {
        this(feed, batchSize, batches, THREAD_NAME, null);
    }

    /**
     * Starts a thread named {@code threadName} that reads {@code feed} and, when {@code prepare} is not null,
     * prepares every message before handing it over (the parser stage of the read-ahead, reading from the
     * reader stage's feed).
     */
    ReadAheadFeed(ReplayFeed feed, int batchSize, int batches, String threadName, RawPreparation prepare) {
        this.feed = feed;
        this.threadName = threadName;
        this.prepare = prepare;
        this.batchSize = Math.max(1, batchSize);
        this.capacity = Math.max(1, batches);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.reader = new Thread(this::readLoop, threadName);
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        // the first batches grow from 1 message: the driver gets its first message at once, not after a full
        // batch was read (and prepared), which matters for the start to the first event
        int size = 1;
        while (!closed) {
            RawMessage[] buf = new RawMessage[size];
            size = Math.min(batchSize, size * 2);
            int n = 0;
            boolean end = false;
            Throwable failure = null;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                try {
                    while (n < buf.length) {
                        RawMessage m = feed.next();
                        if (m == null) {
                            end = true;
                            break;
                        }
                        buf[n++] = prepare == null ? m : prepare.apply(m);
                    }
                } catch (Throwable t) {
                    failure = t;
                }
                read += n;
            }
            if (!handOver(new Batch(buf, n, end, failure)) || end || failure != null) {
                return;
            }
        }
    }

    /** Puts a batch on the queue, waiting while it is full; false when closed meanwhile. */
    private boolean handOver(Batch b) {
        try {
            if (queue.offer(b)) {
                return true;
            }
            synchronized (lock) {
                producerWaits++;
            }
            while (!closed) {
                if (queue.offer(b, 50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public RawMessage next() throws IOException {
        while (true) {
            if (current != null && index < current.size()) {
                RawMessage m = current.messages()[index];
                current.messages()[index++] = null; // the batch does not keep delivered messages alive
                delivered++;
                return m;
            }
            if (current != null) {
                if (current.failure() != null) {
                    Throwable t = current.failure();
                    if (t instanceof IOException io) {
                        throw io;
                    }
                    if (t instanceof RuntimeException re) {
                        throw re;
                    }
                    if (t instanceof Error err) {
                        throw err;
                    }
                    throw new IOException(t);
                }
                if (current.end()) {
                    ended = true;
                }
            }
            if (ended) {
                return null;
            }
            if (closed) {
                throw new IOException("replay reader closed");
            }
            Batch b = queue.poll();
            if (b == null) {
                consumerWaits++;
                try {
                    b = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the replay reader");
                }
            }
            current = b;
            index = 0;
            handOffs++;
        }
    }

    /**
     * The feed's own description plus {@code read_ahead}: batch size and bound, messages read and delivered,
     * hand-offs, and how often each side waited for the other (the driver waiting = the reader is the slower).
     */
    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d;
        long r;
        long pw;
        synchronized (lock) {
            d = new LinkedHashMap<>(feed.describe());
            r = read;
            pw = producerWaits;
        }
        Map<String, Object> ra = new LinkedHashMap<>();
        ra.put("thread", threadName);
        ra.put("batch", batchSize);
        ra.put("batches", capacity);
        ra.put("read", r);
        ra.put("delivered", delivered);
        ra.put("hand_offs", handOffs);
        ra.put("driver_waits", consumerWaits);
        ra.put("reader_waits", pw);
        if (prepare != null) {
            ra.put("prepared_by", prepare.describe());
        }
        // chained read-ahead stages: the reader's description stays under read_ahead, this one's under its thread
        d.put(d.containsKey("read_ahead") ? "parse_ahead" : "read_ahead", ra);
        return d;
    }

    /** Stops the reader (it finishes the batch it is filling) and closes the feed. */
    @Override
    public void close() throws IOException {
        closed = true;
        queue.clear(); // a reader waiting for room sees closed within its poll interval
        if (prepare != null) {
            reader.interrupt(); // the parser stage may be waiting for the reader stage (no file I/O on this thread)
        }
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            Engine.LOG.warn("replay reader thread still busy 10 s after close; closing the feed under it");
        }
        synchronized (lock) {
            feed.close();
        }
    }

    /** For tests: the reader thread (to see it ends). */
    Thread readerThread() {
        return reader;
    }
}
