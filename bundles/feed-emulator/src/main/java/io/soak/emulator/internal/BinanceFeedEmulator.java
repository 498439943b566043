package io.soak.emulator.internal;

import io.soak.api.capture.CaptureTransform;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Pace;
import io.soak.api.source.FeedEmulator;
import io.soak.api.source.RawMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Binance USDT-M combined-stream server on loopback: Jetty 12 WebSocket at {@code /stream?streams=a/b/c},
 * envelopes {@code {"stream":…,"data":…}} exactly as served by the source, only the subscribed streams to each
 * client, pongs to pings. One pacer thread (the emulator's own; it is not a stage) walks the source's timeline
 * at the pace ({@code 1x}, {@code 20x}: receive-time gaps divided by the multiple; {@code max}: as fast as the
 * clients take it) and sends each message to every subscribed client. With {@code startOnConnect} the
 * timeline starts when the first client connects, so a test sees every message. Faults change what the pacer
 * sends: drop, stall, latency, corrupt frames, depth gaps.
 */
final class BinanceFeedEmulator implements FeedEmulator {

    private static final Logger LOG = LoggerFactory.getLogger(BinanceFeedEmulator.class);

    private final MessageSource source;
    private final Pace pace;
    private final String serve;
    private final boolean startOnConnect;
    private final Server server;
    private final ServerConnector connector;
    private final CopyOnWriteArrayList<ClientSession> clients = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstClient = new CountDownLatch(1);
    private final Thread pacer;
    private final Map<String, AtomicLong> sentPerStream = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    private final AtomicLong stalledSkipped = new AtomicLong();
    private final AtomicLong gapSkipped = new AtomicLong();
    private final AtomicLong corruptSent = new AtomicLong();
    private final AtomicLong snapshotsSent = new AtomicLong();
    private final List<Map<String, Object>> faults = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile boolean done;
    private volatile String error;

    // fault state (guarded by this)
    private final Map<String, Long> stallUntil = new TreeMap<>();
    private final Map<String, Integer> gapRemaining = new TreeMap<>();
    private final Map<String, Boolean> resyncPending = new TreeMap<>();
    private final Map<String, EmulatorBook> books = new java.util.HashMap<>(); // pacer thread only
    private int corruptRemaining;
    private long latencyNanos;
    private long latencyUntil;
    private long refuseUntil;

    BinanceFeedEmulator(MessageSource source, Pace pace, int port, boolean startOnConnect, String serve) throws Exception {
        this.source = source;
        this.pace = pace;
        this.serve = serve;
        this.startOnConnect = startOnConnect;
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("soak-emulator");
        threads.setDaemon(true);
        this.server = new Server(threads);
        this.connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(Duration.ofMinutes(10));
            container.setMaxTextMessageSize(1 << 20);
            container.addMapping("/stream", (request, response, callback) -> {
                if (refusing()) {
                    response.setStatus(503);
                    callback.succeeded();
                    return null;
                }
                Set<String> streams = streamsOf(request.getHttpURI().getQuery());
                if (streams.isEmpty()) {
                    response.setStatus(400);
                    callback.succeeded();
                    return null;
                }
                return new ClientSession(this, streams);
            });
        });
        server.setHandler(ws);
        // Jetty looks up its websocket extensions with the ServiceLoader of the context class loader
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(BinanceFeedEmulator.class.getClassLoader());
        try {
            server.start();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        pacer = new Thread(this::pace, "soak-emulator-pacer");
        pacer.setDaemon(true);
        pacer.start();
        LOG.info("feed emulator serving {} at {} (pace {})", serve, endpoint(), pace);
    }

    static Set<String> streamsOf(String query) {
        Set<String> out = new LinkedHashSet<>();
        if (query == null) {
            return out;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("streams=")) {
                String v = URLDecoder.decode(part.substring(8), StandardCharsets.UTF_8);
                Arrays.stream(v.split("/")).filter(s -> !s.isBlank()).forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public String endpoint() {
        return "ws://127.0.0.1:" + connector.getLocalPort();
    }

    int port() {
        return connector.getLocalPort();
    }

    void opened(ClientSession c) {
        clients.add(c);
        connections.incrementAndGet();
        firstClient.countDown();
    }

    void closed(ClientSession c) {
        clients.remove(c);
    }

    private synchronized boolean refusing() {
        return System.nanoTime() < refuseUntil;
    }

    /** The pacer: walks the timeline and sends. */
    private void pace() {
        try {
            if (startOnConnect) {
                while (!closed && !firstClient.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // wait for the first subscriber
                }
            }
            long t0Wall = System.nanoTime();
            long t0Msg = Long.MIN_VALUE;
            RawMessage m;
            while (!closed && (m = nextMessage()) != null) {
                if (t0Msg == Long.MIN_VALUE) {
                    t0Msg = m.receivedNanos();
                }
                if (!pace.max()) {
                    long target = t0Wall + (long) ((m.receivedNanos() - t0Msg) / pace.multiplier()) + latency();
                    long wait;
                    while (!closed && (wait = target - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(Math.min(wait, 50_000_000L));
                    }
                } else {
                    long extra = latency();
                    if (extra > 0) {
                        LockSupport.parkNanos(extra);
                    }
                }
                dispatch(m.text());
            }
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("feed emulator stopped serving: {}", error);
        } finally {
            done = true;
        }
    }

    private RawMessage nextMessage() throws java.io.IOException {
        synchronized (source) {
            return source.next();
        }
    }

    private synchronized long latency() {
        return System.nanoTime() < latencyUntil ? latencyNanos : 0;
    }

    private void dispatch(String text) {
        String stream = CaptureTransform.streamOf(text);
        if (stream == null) {
            return;
        }
        boolean diff = stream.contains("@depth@") || stream.endsWith("@depth");
        String symbolLower = stream.substring(0, Math.max(0, stream.indexOf('@')));
        if (stream.endsWith("@depthSnapshot")) {
            books.computeIfAbsent(symbolLower, k -> new EmulatorBook()).snapshot(text);
        } else if (diff) {
            books.computeIfAbsent(symbolLower, k -> new EmulatorBook()).diff(text);
        }
        boolean corrupt;
        boolean resync = false;
        synchronized (this) {
            Long until = stallUntil.get(stream);
            if (until == null) {
                until = stallUntil.get(stream.substring(0, Math.max(0, stream.indexOf('@'))));
            }
            if (until != null && System.nanoTime() < until) {
                stalledSkipped.incrementAndGet();
                return;
            }
            Integer gap = gapRemaining.get(stream);
            if (gap != null && gap > 0) {
                gapRemaining.put(stream, gap - 1);
                gapSkipped.incrementAndGet();
                if (diff && gap == 1) {
                    resyncPending.put(stream, true);
                }
                return;
            }
            if (diff && resyncPending.remove(stream) != null) {
                resync = true;
            }
            corrupt = corruptRemaining > 0 && !stream.endsWith("@depthSnapshot") && clients.stream().anyMatch(c -> c.wants(stream));
            if (corrupt) {
                corruptRemaining--;
            }
        }
        boolean any = false;
        for (ClientSession c : clients) {
            if (c.wants(stream)) {
                if (corrupt) {
                    c.send(corrupted(text, corruptSent.get()));
                }
                c.send(text);
                any = true;
            }
        }
        if (corrupt) {
            corruptSent.incrementAndGet();
        }
        if (resync) {
            // after a gap the client's book is out of sequence: hand it a fresh snapshot of the emulator's book
            // (taken after this diff), as a client would fetch one from the REST API
            EmulatorBook book = books.get(symbolLower);
            String snap = book == null ? null : book.snapshotMessage(symbolLower);
            if (snap != null) {
                dispatch(snap);
                snapshotsSent.incrementAndGet();
            }
        }
        if (any) {
            sentPerStream.computeIfAbsent(stream, k -> new AtomicLong()).incrementAndGet();
        } else {
            undelivered.incrementAndGet();
        }
    }

    /** A malformed frame: alternately a truncated copy of a real message and non-JSON garbage. */
    static String corrupted(String text, long n) {
        return n % 2 == 0 ? text.substring(0, Math.max(1, text.length() / 2)) : "\u0000garbage{" + n;
    }

    @Override
    public String inject(FaultSpec fault) {
        long now = System.nanoTime();
        long duration = fault.duration().toNanos();
        String target = fault.target() == null ? "" : fault.target();
        String effect;
        synchronized (this) {
            switch (fault.kind()) {
                case "feed-drop" -> {
                    refuseUntil = now + duration;
                    int n = clients.size();
                    clients.forEach(ClientSession::drop);
                    effect = "dropped " + n + " connection(s)" + (duration > 0 ? ", refusing new ones for "
                            + fault.duration().toMillis() + " ms" : "");
                }
                case "feed-stall" -> {
                    stallUntil.put(target, now + (duration > 0 ? duration : 60_000_000_000L));
                    effect = "stalled '" + target + "' for " + (duration > 0 ? fault.duration().toMillis() : 60_000) + " ms";
                }
                case "feed-latency" -> {
                    latencyNanos = number(fault.params().get("ms"), 500) * 1_000_000L;
                    latencyUntil = now + (duration > 0 ? duration : 60_000_000_000L);
                    effect = "delaying every message by " + latencyNanos / 1_000_000 + " ms";
                }
                case "feed-corrupt" -> {
                    int n = (int) number(fault.params().get("count"), 1);
                    corruptRemaining += n;
                    effect = "sending " + n + " malformed frame(s)";
                }
                case "feed-gap" -> {
                    int n = (int) number(fault.params().get("count"), 1);
                    gapRemaining.merge(target, n, Integer::sum);
                    effect = "skipping " + n + " update(s) of '" + target + "'";
                }
                default -> throw new IllegalArgumentException("unknown feed fault '" + fault.kind()
                        + "'; known: feed-drop, feed-stall, feed-latency, feed-corrupt, feed-gap");
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("kind", fault.kind());
        f.put("target", target);
        f.put("at", Instant.now().toString());
        f.put("duration_ms", fault.duration().toMillis());
        f.put("effect", effect);
        faults.add(f);
        LOG.info("feed fault {}: {}", fault.kind(), effect);
        return effect;
    }

    private static long number(Object v, long fallback) {
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        return Long.parseLong(v.toString().trim());
    }

    /** True once a non-looping source has been sent completely. */
    boolean done() {
        return done;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("endpoint", endpoint());
        d.put("serve", serve);
        d.put("pace", pace.toString());
        d.put("done", done);
        if (error != null) {
            d.put("error", error);
        }
        Map<String, Long> sent = new TreeMap<>();
        sentPerStream.forEach((k, v) -> sent.put(k, v.get()));
        d.put("messages_per_stream", sent);
        d.put("messages_sent", sent.values().stream().mapToLong(Long::longValue).sum());
        d.put("undelivered", undelivered.get());
        d.put("stalled_skipped", stalledSkipped.get());
        d.put("gap_skipped", gapSkipped.get());
        d.put("corrupt_sent", corruptSent.get());
        d.put("resync_snapshots_sent", snapshotsSent.get());
        d.put("connections_total", connections.get());
        d.put("connections_open", clients.size());
        d.put("slow_client_drops", clients.stream().mapToLong(c -> c.dropped.get()).sum());
        d.put("faults", new ArrayList<>(faults));
        synchronized (source) {
            d.put("source", source.describe());
        }
        return d;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pacer.interrupt();
        try {
            pacer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clients.forEach(c -> c.close(1001, "emulator stopping"));
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("feed emulator did not stop cleanly: {}", e.toString());
        }
        source.close();
    }
}
