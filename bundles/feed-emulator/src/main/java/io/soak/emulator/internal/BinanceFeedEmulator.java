package io.soak.emulator.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.capture.CaptureTransform;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Pace;
import io.soak.api.source.FeedEmulator;
import io.soak.api.source.RawMessage;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Binance USDⓈ-M Futures market-data server on loopback (Jetty 12), with the URL layout of the 2026 split:
 * {@code /public} (book data) and {@code /market} (trades), each in ws mode ({@code /public/ws/<streams>}, raw
 * payloads) and stream mode ({@code /public/stream?streams=…}, combined envelopes), plus the legacy root
 * ({@code /ws/…}, {@code /stream?streams=…}) serving every kind. Live methods, error frames, server pings with a
 * pong deadline and the incoming-message and stream limits are handled per connection ({@link ClientSession}).
 * REST on the same port: {@code /fapi/v1/depth} (the emulator's own book as of the last diff sent, so the
 * documented local-book procedure works for a client joining at any time), {@code /fapi/v1/exchangeInfo},
 * {@code /fapi/v1/ping}, {@code /fapi/v1/time}; the control endpoint {@code /soak/fault} and
 * {@code /soak/describe} (loopback only) inject faults into a running emulator.
 *
 * <p>One pacer thread (the emulator's own; it is not a stage) walks the source's timeline at the pace and sends
 * each message to every subscribed client, with the kinds derived from a recording: {@code aggTrade} from
 * trades, {@code depth@100ms|250ms|500ms} (and {@code depth}) by aggregating the recorded diffs per window,
 * {@code depth5/10/20} partial books from the emulator's book. An exchange time ({@code E}) is never sent before
 * the wall clock reached it.
 */
final class BinanceFeedEmulator implements FeedEmulator {

    private static final Logger LOG = LoggerFactory.getLogger(BinanceFeedEmulator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] DIFF_INTERVALS = {100, 250, 500};
    private static final int[] PARTIAL_LEVELS = {5, 10, 20};

    /** What the emulator needs beyond the source: limits, served symbols and kinds, REST and ping settings. */
    record Options(Pace pace, int port, boolean startOnConnect, String serve, Set<String> symbols, Set<String> nativeKinds,
                   boolean guardExchangeTime, boolean streamSnapshots, long pingIntervalMs, long pongTimeoutMs,
                   long maxSessionMs) {
    }

    private final MessageSource source;
    private final Options opt;
    private final Pace pace;
    private final Server server;
    private final ServerConnector connector;
    private final CopyOnWriteArrayList<ClientSession> clients = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstClient = new CountDownLatch(1);
    private final Thread pacer;
    private final ScheduledExecutorService keepAlive;
    private final Map<String, AtomicLong> sentPerStream = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong refusedHandshakes = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    private final AtomicLong stalledSkipped = new AtomicLong();
    private final AtomicLong gapSkipped = new AtomicLong();
    private final AtomicLong corruptSent = new AtomicLong();
    private final AtomicLong snapshotsSent = new AtomicLong();
    private final AtomicLong pongTimeouts = new AtomicLong();
    private final AtomicLong pingsSent = new AtomicLong();
    private final AtomicLong sessionCuts = new AtomicLong();
    private final AtomicLong limitDisconnects = new AtomicLong();
    private final AtomicLong exchangeTimeWaits = new AtomicLong();
    private final Map<String, AtomicLong> restRequests = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> faults = new CopyOnWriteArrayList<>();
    private final Map<String, EmulatorBook> books = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile boolean done;
    private volatile String error;

    // derived streams (pacer thread only)
    private final Map<String, Window> windows = new HashMap<>();
    private final Map<String, Long> partialBuckets = new HashMap<>();

    // fault state (guarded by this)
    private final Map<String, Long> stallUntil = new TreeMap<>();
    private final Map<String, Integer> gapRemaining = new TreeMap<>();
    private final Map<String, Boolean> resyncPending = new TreeMap<>();
    private int corruptRemaining;
    private long latencyNanos;
    private long latencyUntil;
    private long refuseUntil;
    private int restFaultRemaining;
    private int restFaultCode;
    private long restFaultRetryAfterS;
    private long weightMinute;
    private long weightUsed;

    BinanceFeedEmulator(MessageSource source, Pace pace, int port, boolean startOnConnect, String serve) throws Exception {
        this(source, new Options(pace, port, startOnConnect, serve, Set.of(), Set.of(), false, false, 180_000, 600_000,
                86_400_000));
    }

    BinanceFeedEmulator(MessageSource source, Options options) throws Exception {
        this.source = source;
        this.opt = options;
        this.pace = options.pace();
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("soak-emulator");
        threads.setDaemon(true);
        this.server = new Server(threads);
        this.connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(options.port());
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            // liveness is the ping/pong deadline, not an idle timer: a quiet subscription is kept
            container.setIdleTimeout(Duration.ofMillis(Math.max(options.pongTimeoutMs(), options.maxSessionMs()) + 60_000));
            container.setMaxTextMessageSize(1 << 20);
            container.addMapping("regex|^/((public|market|private)/)?(ws|stream)(/.*)?$", (request, response, callback) -> {
                String path = request.getHttpURI().getPath();
                String refusal = handshakeRefusal(path, request.getHttpURI().getQuery());
                if (refusal != null) {
                    refusedHandshakes.incrementAndGet();
                    response.setStatus(refusal.startsWith("503") ? 503 : 400);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.write(true, ByteBuffer.wrap(("{\"code\":-1100,\"msg\":" + quote(refusal.substring(4)) + "}")
                            .getBytes(StandardCharsets.UTF_8)), callback);
                    return null;
                }
                Route r = route(path, request.getHttpURI().getQuery());
                return new ClientSession(this, r.name, r.combined, r.streams);
            });
        });
        ws.setHandler(new Rest());
        server.setHandler(ws);
        // Jetty looks up its websocket extensions with the ServiceLoader of the context class loader
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(BinanceFeedEmulator.class.getClassLoader());
        try {
            server.start();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-emulator-keepalive");
            t.setDaemon(true);
            return t;
        });
        keepAlive.scheduleAtFixedRate(this::keepAlive, 250, 250, TimeUnit.MILLISECONDS);
        pacer = new Thread(this::pace, "soak-emulator-pacer");
        pacer.setDaemon(true);
        pacer.start();
        LOG.info("feed emulator serving {} at {} (pace {})", options.serve(), endpoint(), pace);
    }

    /** A connection's route ({@code public}, {@code market}, {@code legacy}), mode and the streams in its URL. */
    record Route(String name, boolean combined, List<String> streams) {
    }

    static Route route(String path, String query) {
        String p = path;
        String name = "legacy";
        for (String r : new String[] {"public", "market", "private"}) {
            if (p.startsWith("/" + r + "/")) {
                name = r;
                p = p.substring(r.length() + 1);
            }
        }
        boolean combined = p.startsWith("/stream");
        List<String> streams = new ArrayList<>();
        if (combined) {
            streams.addAll(streamsOf(query));
        } else if (p.startsWith("/ws/")) {
            Arrays.stream(p.substring(4).split("/")).filter(s -> !s.isBlank()).forEach(streams::add);
        }
        return new Route(name, combined, streams);
    }

    /** Why a handshake is refused ({@code "400 reason"} or {@code "503 reason"}), or null. */
    private String handshakeRefusal(String path, String query) {
        if (refusing()) {
            return "503 the feed is down (feed-drop)";
        }
        Route r = route(path, query);
        if (r.name.equals("private")) {
            return "400 user data streams (/private) are not emulated";
        }
        if (r.streams.size() > ClientSession.MAX_STREAMS) {
            return "400 too many streams: " + r.streams.size() + " (a connection serves at most " + ClientSession.MAX_STREAMS + ")";
        }
        for (String s : r.streams) {
            String why = refusal(s, r.name);
            if (why != null) {
                return "400 " + why;
            }
        }
        return null;
    }

    /** Why {@code stream} cannot be subscribed on {@code route}, or null. */
    String refusal(String stream, String route) {
        String why = StreamNames.refusal(stream, route, symbolsLower());
        if (why != null) {
            return why;
        }
        String kind = StreamNames.kind(stream);
        return servable(kind) ? null : "stream kind '" + kind + "' cannot be served from " + opt.serve()
                + " (it serves " + String.join(", ", new java.util.TreeSet<>(opt.nativeKinds())) + " and what derives from them)";
    }

    private Set<String> symbolsLower() {
        Set<String> out = new LinkedHashSet<>();
        opt.symbols().forEach(s -> out.add(s.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** A kind is servable when the source has it, or it derives from a kind the source has. */
    boolean servable(String kind) {
        Set<String> n = opt.nativeKinds();
        if (n.isEmpty() || n.contains(kind)) {
            return true;
        }
        if (kind.equals("aggTrade")) {
            return n.contains("trade");
        }
        boolean diffs = n.stream().anyMatch(StreamNames::isDiff);
        if (StreamNames.isDiff(kind)) {
            return diffs && !kind.endsWith("@0ms");
        }
        return StreamNames.partialLevels(kind) > 0 && diffs;
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

    private static String param(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String part : query.split("&")) {
            if (part.startsWith(name + "=")) {
                return URLDecoder.decode(part.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            return "\"\"";
        }
    }

    @Override
    public String endpoint() {
        return "ws://127.0.0.1:" + connector.getLocalPort();
    }

    /** The REST and control base, {@code http://127.0.0.1:<port>}. */
    String restEndpoint() {
        return "http://127.0.0.1:" + connector.getLocalPort();
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

    void limitDisconnect() {
        limitDisconnects.incrementAndGet();
    }

    private synchronized boolean refusing() {
        return System.nanoTime() < refuseUntil;
    }

    /** Server pings on Binance's cadence, disconnect when pongs stop, and the 24 h cut. */
    private void keepAlive() {
        long now = System.nanoTime();
        for (ClientSession c : clients) {
            if (!c.isOpen()) {
                continue;
            }
            long age = now - c.openedAtNanos();
            if (age >= opt.maxSessionMs() * 1_000_000L) {
                sessionCuts.incrementAndGet();
                c.close(1001, "connection is 24h old");
                continue;
            }
            if (now - c.lastPongNanos() >= opt.pongTimeoutMs() * 1_000_000L) {
                pongTimeouts.incrementAndGet();
                c.drop();
                continue;
            }
            long interval = opt.pingIntervalMs() * 1_000_000L;
            long k = age / interval;
            long kPrev = Math.max(0, age - 250_000_000L) / interval;
            if (k > 0 && k != kPrev) {
                pingsSent.incrementAndGet();
                c.ping();
            }
        }
    }

    /** The pacer: walks the timeline and sends. */
    private void pace() {
        try {
            if (opt.startOnConnect()) {
                while (!closed && !firstClient.await(100, TimeUnit.MILLISECONDS)) {
                    // wait for the first subscriber
                }
                // the other connections of a split-layout client (public and market) open right after the first
                long until = System.nanoTime() + 300_000_000L;
                while (!closed && System.nanoTime() < until) {
                    LockSupport.parkNanos(10_000_000L);
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
                if (opt.guardExchangeTime()) {
                    guardExchangeTime(m.text());
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

    /** An exchange time is never sent before the wall clock reached it: wait the few ms when it would be. */
    private void guardExchangeTime(String text) {
        int d = text.indexOf("\"data\":");
        long e = EmulatorBook.number(d < 0 ? text : text.substring(d), "\"E\":");
        long ahead = e - System.currentTimeMillis();
        if (ahead > 0 && ahead < 10_000) {
            exchangeTimeWaits.incrementAndGet();
            while (!closed && (ahead = e - System.currentTimeMillis()) > 0) {
                LockSupport.parkNanos(ahead * 1_000_000L);
            }
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

    private boolean anyWants(String stream) {
        for (ClientSession c : clients) {
            if (c.wants(stream)) {
                return true;
            }
        }
        return false;
    }

    /** One message of the timeline: the emulator's book, the message itself, and what derives from it. */
    private void dispatch(String text) {
        String stream = CaptureTransform.streamOf(text);
        if (stream == null) {
            return;
        }
        String sym = StreamNames.symbol(stream);
        String kind = StreamNames.kind(stream);
        if (kind.equals("depthSnapshot")) {
            books.computeIfAbsent(sym, k -> new EmulatorBook()).snapshot(text);
            if (opt.streamSnapshots()) {
                deliver(stream, text);
            }
            return;
        }
        if (StreamNames.isDiff(kind)) {
            String sent = books.computeIfAbsent(sym, k -> new EmulatorBook()).diff(text);
            if (sent == null) {
                return; // recorded before a loop seam's snapshot: the bridging diff takes the book past it
            }
            deliver(stream, sent);
            derivedDepth(sym, sent);
            return;
        }
        if (StreamNames.partialLevels(kind) > 0) {
            books.computeIfAbsent(sym, k -> new EmulatorBook()).partialSeen(text);
        }
        deliver(stream, text);
        if (kind.equals("trade") && !opt.nativeKinds().contains("aggTrade") && anyWants(sym + "@aggTrade")) {
            deliver(sym + "@aggTrade", aggTrade(sym, text));
        }
    }

    /** An {@code aggTrade} of one recorded trade (aggregate id = trade id, first = last = trade id). */
    static String aggTrade(String sym, String trade) {
        String d = ClientSession.payload(trade);
        long t = EmulatorBook.number(d, "\"t\":");
        return "{\"stream\":\"" + sym + "@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":" + EmulatorBook.number(d, "\"E\":")
                + ",\"a\":" + t + ",\"s\":\"" + text(d, "\"s\":\"") + "\",\"p\":\"" + text(d, "\"p\":\"") + "\",\"q\":\""
                + text(d, "\"q\":\"") + "\",\"f\":" + t + ",\"l\":" + t + ",\"T\":" + EmulatorBook.number(d, "\"T\":")
                + ",\"m\":" + (d.contains("\"m\":true") ? "true" : "false") + "}}";
    }

    private static String text(String d, String key) {
        int k = d.indexOf(key);
        if (k < 0) {
            return "";
        }
        int from = k + key.length();
        return d.substring(from, d.indexOf('"', from));
    }

    /** One update window of an aggregated diff stream. */
    private static final class Window {
        long bucket = Long.MIN_VALUE;
        long first;
        long prev;
        long last;
        long e;
        long t;
        String symbolUpper;
        final TreeMap<String, String> b = new TreeMap<>();
        final TreeMap<String, String> a = new TreeMap<>();

        boolean empty() {
            return bucket == Long.MIN_VALUE;
        }

        String message(String stream) {
            StringBuilder s = new StringBuilder(2048);
            s.append("{\"stream\":\"").append(stream).append("\",\"data\":{\"e\":\"depthUpdate\",\"E\":").append(e)
                    .append(",\"T\":").append(t).append(",\"s\":\"").append(symbolUpper).append("\",\"U\":").append(first)
                    .append(",\"u\":").append(last).append(",\"pu\":").append(prev).append(",\"b\":");
            levels(s, b);
            s.append(",\"a\":");
            levels(s, a);
            return s.append("}}").toString();
        }

        private static void levels(StringBuilder s, TreeMap<String, String> side) {
            s.append('[');
            int n = 0;
            for (Map.Entry<String, String> x : side.entrySet()) {
                s.append(n++ == 0 ? "" : ",").append("[\"").append(x.getKey()).append("\",\"").append(x.getValue()).append("\"]");
            }
            s.append(']');
        }
    }

    /** The aggregated diff streams and the partial books derived from one recorded diff (already applied). */
    private void derivedDepth(String sym, String diff) {
        String d = ClientSession.payload(diff);
        long e = EmulatorBook.number(d, "\"E\":");
        long first = EmulatorBook.number(d, "\"U\":");
        long prev = EmulatorBook.number(d, "\"pu\":");
        for (int interval : DIFF_INTERVALS) {
            List<String> names = new ArrayList<>(2);
            names.add(sym + "@depth@" + interval + "ms");
            if (interval == 250) {
                names.add(sym + "@depth");
            }
            for (String name : names) {
                Window w = windows.get(name);
                if (w == null) {
                    if (!anyWants(name)) {
                        continue;
                    }
                    w = new Window();
                    windows.put(name, w);
                }
                long bucket = e / interval;
                if (!w.empty() && bucket != w.bucket) {
                    deliver(name, w.message(name));
                    w.bucket = Long.MIN_VALUE;
                    w.b.clear();
                    w.a.clear();
                }
                if (w.empty()) {
                    w.bucket = bucket;
                    w.first = first;
                    w.prev = prev;
                    w.symbolUpper = text(d, "\"s\":\"");
                }
                w.last = EmulatorBook.number(d, "\"u\":");
                w.e = e;
                w.t = EmulatorBook.number(d, "\"T\":");
                for (String[] l : EmulatorBook.pairs(EmulatorBook.array(d, "\"b\":"))) {
                    w.b.put(l[0], l[1]);
                }
                for (String[] l : EmulatorBook.pairs(EmulatorBook.array(d, "\"a\":"))) {
                    w.a.put(l[0], l[1]);
                }
            }
        }
        EmulatorBook book = books.get(sym);
        if (book == null || !book.anchored()) {
            return;
        }
        for (int levels : PARTIAL_LEVELS) {
            for (String suffix : new String[] {"", "@100ms", "@250ms", "@500ms"}) {
                String name = sym + "@depth" + levels + suffix;
                if (!anyWants(name)) {
                    continue;
                }
                int interval = StreamNames.intervalMs("depth" + levels + suffix);
                long bucket = e / interval;
                Long lastBucket = partialBuckets.put(name, bucket);
                if (lastBucket == null || lastBucket != bucket) {
                    deliver(name, book.partialMessage(name, text(d, "\"s\":\""), levels, first, prev));
                }
            }
        }
    }

    /** Sends one message of {@code stream} to its subscribers, through the faults. */
    private void deliver(String stream, String text) {
        boolean diff = StreamNames.isDiff(StreamNames.kind(stream));
        String symbolLower = StreamNames.symbol(stream);
        boolean corrupt;
        boolean resync = false;
        synchronized (this) {
            Long until = stallUntil.get(stream);
            if (until == null) {
                until = stallUntil.get(symbolLower);
            }
            if (until != null && System.nanoTime() < until) {
                stalledSkipped.incrementAndGet();
                return;
            }
            Integer gap = gapRemaining.get(stream);
            if (gap != null && gap > 0) {
                gapRemaining.put(stream, gap - 1);
                gapSkipped.incrementAndGet();
                if (diff && gap == 1 && opt.streamSnapshots()) {
                    resyncPending.put(stream, true);
                }
                return;
            }
            if (diff && resyncPending.remove(stream) != null) {
                resync = true;
            }
            corrupt = corruptRemaining > 0 && !stream.endsWith("@depthSnapshot") && anyWants(stream);
            if (corrupt) {
                corruptRemaining--;
            }
        }
        boolean any = false;
        for (ClientSession c : clients) {
            if (c.wants(stream) || (opt.streamSnapshots() && stream.endsWith("@depthSnapshot") && wantsDiffOf(c, symbolLower))) {
                if (corrupt) {
                    c.sendText(corrupted(text, corruptSent.get()));
                }
                c.send(text);
                any = true;
            }
        }
        if (corrupt) {
            corruptSent.incrementAndGet();
        }
        if (resync) {
            // legacy in-stream resync (stream_snapshots): a fresh snapshot of the emulator's book after the gap
            EmulatorBook book = books.get(symbolLower);
            String snap = book == null ? null : book.snapshotMessage(symbolLower);
            if (snap != null) {
                deliver(symbolLower + "@depthSnapshot", snap);
                snapshotsSent.incrementAndGet();
            }
        }
        if (any) {
            sentPerStream.computeIfAbsent(stream, k -> new AtomicLong()).incrementAndGet();
        } else {
            undelivered.incrementAndGet();
        }
    }

    private static boolean wantsDiffOf(ClientSession c, String symbolLower) {
        for (String s : c.streams()) {
            if (s.startsWith(symbolLower + "@") && StreamNames.isDiff(StreamNames.kind(s))) {
                return true;
            }
        }
        return false;
    }

    /** A malformed frame: alternately a truncated copy of a real message and non-JSON garbage. */
    static String corrupted(String text, long n) {
        return n % 2 == 0 ? text.substring(0, Math.max(1, text.length() / 2)) : "\u0000garbage{" + n;
    }

    // ============================================================================================ REST

    /** REST on the WebSocket's port: Binance's market-data endpoints the clients need, and the control endpoint. */
    private final class Rest extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            String query = request.getHttpURI().getQuery();
            restRequests.computeIfAbsent(path, k -> new AtomicLong()).incrementAndGet();
            int status = 200;
            String body;
            try {
                if (path.startsWith("/fapi/")) {
                    String throttled = throttle(path, query, response);
                    if (throttled != null) {
                        status = Integer.parseInt(throttled.substring(0, 3));
                        body = throttled.substring(4);
                    } else {
                        String[] r = fapi(path, query);
                        status = Integer.parseInt(r[0]);
                        body = r[1];
                    }
                } else if (path.equals("/soak/fault")) {
                    body = "{\"effect\":" + quote(inject(faultOf(query))) + "}";
                } else if (path.equals("/soak/describe")) {
                    body = JSON.writeValueAsString(describe());
                } else {
                    status = 404;
                    body = "{\"code\":-1000,\"msg\":\"Path " + path.replace("\"", "") + " is not served by the emulator\"}";
                }
            } catch (IllegalArgumentException e) {
                status = 400;
                body = "{\"code\":-1100,\"msg\":" + quote(e.getMessage()) + "}";
            } catch (Exception e) {
                status = 500;
                body = "{\"code\":-1000,\"msg\":" + quote(e.toString()) + "}";
            }
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    /** A 418/429 answer ({@code "429 {json}"}) when a fault or the weight limit says so, else null. */
    private synchronized String throttle(String path, String query, Response response) {
        if (restFaultRemaining > 0) {
            restFaultRemaining--;
            response.getHeaders().put("Retry-After", Long.toString(restFaultRetryAfterS));
            return restFaultCode + " {\"code\":" + (restFaultCode == 418 ? -1003 : -1003)
                    + ",\"msg\":\"Too many requests; current limit of IP is 2400 requests per minute.\"}";
        }
        long minute = System.currentTimeMillis() / 60_000;
        if (minute != weightMinute) {
            weightMinute = minute;
            weightUsed = 0;
        }
        weightUsed += weight(path, query);
        response.getHeaders().put("X-MBX-USED-WEIGHT-1M", Long.toString(weightUsed));
        if (weightUsed > 2400) {
            long retry = Math.max(1, 60 - (System.currentTimeMillis() / 1000) % 60);
            response.getHeaders().put("Retry-After", Long.toString(retry));
            return "429 {\"code\":-1003,\"msg\":\"Too many requests; current limit of IP is 2400 requests per minute.\"}";
        }
        return null;
    }

    private static int weight(String path, String query) {
        if (!path.equals("/fapi/v1/depth")) {
            return 1;
        }
        int limit = limitOf(query);
        return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
    }

    private static int limitOf(String query) {
        String l = param(query, "limit");
        try {
            return l == null ? 500 : Integer.parseInt(l.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {status, body} of a {@code /fapi/v1/…} request. */
    private String[] fapi(String path, String query) throws Exception {
        switch (path) {
            case "/fapi/v1/ping" -> {
                return new String[] {"200", "{}"};
            }
            case "/fapi/v1/time" -> {
                return new String[] {"200", "{\"serverTime\":" + System.currentTimeMillis() + "}"};
            }
            case "/fapi/v1/exchangeInfo" -> {
                return new String[] {"200", JSON.writeValueAsString(ExchangeInfo.of(opt.symbols(), System.currentTimeMillis()))};
            }
            case "/fapi/v1/depth" -> {
                String symbol = param(query, "symbol");
                if (symbol == null || symbol.isBlank()) {
                    return new String[] {"400", "{\"code\":-1102,\"msg\":\"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.\"}"};
                }
                int limit = limitOf(query);
                if (!List.of(5, 10, 20, 50, 100, 500, 1000).contains(limit)) {
                    return new String[] {"400", "{\"code\":-1130,\"msg\":\"Data sent for parameter 'limit' is not valid.\"}"};
                }
                String lower = symbol.trim().toLowerCase(Locale.ROOT);
                if (!opt.symbols().isEmpty() && !symbolsLower().contains(lower)) {
                    return new String[] {"400", "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"};
                }
                EmulatorBook book = books.get(lower);
                String rest = book == null ? null : book.rest(limit);
                if (rest == null) {
                    return new String[] {"503", "{\"code\":-1001,\"msg\":\"Internal error; unable to process your request. Please try again.\"}"};
                }
                return new String[] {"200", rest};
            }
            default -> {
                return new String[] {"404", "{\"code\":-1000,\"msg\":\"Path " + path.replace("\"", "") + " is not served by the emulator\"}"};
            }
        }
    }

    /** A fault from the control endpoint's query: {@code kind}, {@code target}, {@code duration} (ms, or 5s/2m), params. */
    static FaultSpec faultOf(String query) {
        String kind = param(query, "kind");
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("give kind=feed-drop|feed-stall|feed-latency|feed-corrupt|feed-gap|rest-throttle");
        }
        String target = param(query, "target");
        String duration = param(query, "duration");
        Map<String, Object> params = new LinkedHashMap<>();
        for (String k : List.of("count", "ms", "code", "retry_after_s")) {
            String v = param(query, k);
            if (v != null) {
                params.put(k, v);
            }
        }
        return new FaultSpec(Duration.ZERO, kind.trim(), target == null ? "" : target.trim(),
                duration == null ? Duration.ZERO : durationOf(duration.trim()), params);
    }

    static Duration durationOf(String s) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("s")) {
                return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            }
            if (s.endsWith("m")) {
                return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration must be like 500ms, 5s, 2m or a number of ms, got '" + s + "'");
        }
    }

    // ============================================================================================ faults

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
                case "rest-throttle" -> {
                    restFaultRemaining += (int) number(fault.params().get("count"), 1);
                    restFaultCode = (int) number(fault.params().get("code"), 429);
                    if (restFaultCode != 418 && restFaultCode != 429) {
                        throw new IllegalArgumentException("rest-throttle code must be 418 or 429, got " + restFaultCode);
                    }
                    restFaultRetryAfterS = number(fault.params().get("retry_after_s"), 1);
                    effect = "answering the next " + restFaultRemaining + " REST request(s) with " + restFaultCode
                            + " (Retry-After " + restFaultRetryAfterS + " s)";
                }
                default -> throw new IllegalArgumentException("unknown feed fault '" + fault.kind()
                        + "'; known: feed-drop, feed-stall, feed-latency, feed-corrupt, feed-gap, rest-throttle");
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
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number: '" + v + "'");
        }
    }

    /** True once a non-looping source has been sent completely. */
    boolean done() {
        return done;
    }

    EmulatorBook book(String symbolLower) {
        return books.get(symbolLower);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("endpoint", endpoint());
        d.put("rest_endpoint", restEndpoint());
        d.put("control", restEndpoint() + "/soak/fault?kind=…");
        d.put("serve", opt.serve());
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
        Map<String, Long> byRoute = new TreeMap<>();
        clients.forEach(c -> byRoute.merge(c.route, 1L, Long::sum));
        d.put("connections_open_by_route", byRoute);
        d.put("handshakes_refused", refusedHandshakes.get());
        d.put("live_requests", clients.stream().mapToLong(c -> c.requests.get()).sum());
        d.put("error_replies", clients.stream().mapToLong(c -> c.errors.get()).sum());
        d.put("pings_sent", pingsSent.get());
        d.put("pong_timeouts", pongTimeouts.get());
        d.put("session_cuts_24h", sessionCuts.get());
        d.put("limit_disconnects", limitDisconnects.get());
        d.put("exchange_time_waits", exchangeTimeWaits.get());
        Map<String, Long> rest = new TreeMap<>();
        restRequests.forEach((k, v) -> rest.put(k, v.get()));
        d.put("rest_requests", rest);
        d.put("loop_seams_repaired", books.values().stream().mapToLong(EmulatorBook::seams).sum());
        d.put("loop_seam_stale_diffs", books.values().stream().mapToLong(EmulatorBook::seamStaleDiffs).sum());
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
        keepAlive.shutdownNow();
        clients.forEach(c -> c.close(1001, "emulator stopping"));
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("feed emulator did not stop cleanly: {}", e.toString());
        }
        source.close();
    }
}
