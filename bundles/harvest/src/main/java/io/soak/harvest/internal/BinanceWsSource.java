package io.soak.harvest.internal;

import io.soak.api.capture.CaptureWriter;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedSource;
import io.soak.api.source.RawMessage;
import io.soak.api.source.SourceContext;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Settings;
import io.soak.api.time.Cancellable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live source {@code binance-ws}: Binance USDⓈ-M Futures market streams on the current endpoint layout
 * ({@link BinanceEndpoints}: {@code /public} for book data, {@code /market} for the rest, one OkHttp WebSocket
 * each, or one legacy root connection), every text frame offered to the engine's ingress with the engine
 * clock's receive time (never blocking OkHttp's reader thread: the ingress drops and counts when full).
 * Each connection has its own backoff and accounting ({@link WsConnection}); Binance's 24 h cut is a planned
 * reconnect. Diff-depth streams are synced by Binance's documented procedure: the source fetches the REST
 * snapshot ({@link DepthSnapshotClient}) when {@link DepthSync} says so and injects it into the ingress as a
 * {@code <sym>@depthSnapshot} frame, which the harvest stage anchors its book on. With {@code capture.enabled}
 * every frame is also written, buffered, by {@link CaptureWriter} (flushed every 5 s, closed on stop).
 */
final class BinanceWsSource implements FeedSource {

    private static final Logger LOG = LoggerFactory.getLogger(BinanceWsSource.class);
    static final long PLANNED_SESSION_NANOS = WsConnection.PLANNED_SESSION_NANOS;

    private SourceContext ctx;
    private OkHttpClient client;
    private CaptureWriter capture;
    private DepthSync depthSync;
    private DepthSnapshotClient snapshots;
    private Set<String> diffStreams = Set.of();
    private final List<WsConnection> connections = new ArrayList<>();
    private final List<Cancellable> timers = new ArrayList<>();
    private volatile boolean stopped;

    @Override
    public void start(SourceContext context) {
        this.ctx = context;
        Settings s = context.config();
        SourceSpec spec = context.spec();
        String endpoint = spec.endpoint().isBlank() ? s.string("endpoint", "production") : spec.endpoint();
        BinanceEndpoints endpoints = BinanceEndpoints.of(endpoint, s.string("layout", "split"), s.string("rest_url", ""));
        client = new OkHttpClient.Builder()
                .pingInterval(s.integer("ping_interval_s", 20), TimeUnit.SECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .connectTimeout(s.integer("connect_timeout_s", 10), TimeUnit.SECONDS)
                .build();
        if (s.flag("capture.enabled", false)) {
            capture = new CaptureWriter(context.runDirectory().resolve("capture"));
            timers.add(context.scheduler().scheduleAtFixedRate(5_000_000_000L, 5_000_000_000L, this::flushCapture));
        }
        // the diff-depth streams (@depth, @depth@0ms|100ms|250ms|500ms) whose books the source keeps synced
        Set<String> diffs = new LinkedHashSet<>();
        Set<String> diffSymbols = new LinkedHashSet<>();
        // snapshot.rest false: no REST client, the books wait for snapshots on the stream (byte-exact comparisons
        // with a recording served with the emulator's stream_snapshots)
        for (String sym : s.flag("snapshot.rest", true) ? spec.symbols() : List.<String>of()) {
            for (String kind : spec.streams()) {
                if (kind.equals("depth") || kind.startsWith("depth@")) {
                    diffs.add(sym.toLowerCase(Locale.ROOT) + "@" + kind);
                    diffSymbols.add(sym.toUpperCase(Locale.ROOT));
                }
            }
        }
        diffStreams = Set.copyOf(diffs);
        long now = context.clock().nanos();
        depthSync = new DepthSync(diffSymbols, now);
        snapshots = new DepthSnapshotClient(client, endpoints, (int) s.integer("snapshot.limit", 1000), context);
        for (String c : new String[] {"reconnect_count", "planned_reconnects", "connect_attempts", "connect_failures",
                "reconnect_attempts"}) {
            context.metrics().add(c, 0);
        }
        if (!diffs.isEmpty()) {
            for (String c : new String[] {"depth_snapshot_requests", "depth_snapshots_injected", "depth_snapshot_errors",
                    "depth_snapshot_throttled", "depth_resyncs"}) {
                context.metrics().add(c, 0);
            }
        }
        for (BinanceEndpoints.Route r : endpoints.routes(spec.symbols(), spec.streams())) {
            long initial = s.integer("reconnect.initial_ms", 1000);
            ReconnectBackoff backoff = new ReconnectBackoff(initial, s.decimal("reconnect.multiplier", 1.5),
                    s.integer("reconnect.max_ms", 5000), s.integer("reconnect.reset_after_s", 300) * 1000);
            connections.add(new WsConnection(r.name(), r.url(), r.streams(), context, client, backoff, new Events()));
        }
        context.metrics().fact("endpoint", BinanceEndpoints.shown(endpoints.wsBase()));
        context.metrics().fact("endpoint_layout", endpoints.legacy() ? "legacy" : "split");
        context.metrics().fact("rest_endpoint", BinanceEndpoints.shown(endpoints.restBase()));
        publish();
        timers.add(context.scheduler().scheduleAtFixedRate(1_000_000_000L, 1_000_000_000L, this::publish));
        for (WsConnection c : connections) {
            LOG.info("connecting {} ({} streams) to {}", c.name, c.streams.size(), BinanceEndpoints.shown(c.url));
            c.connect();
        }
    }

    /** {@code <endpoint>/stream?streams=…} of the legacy layout (lower-case symbols); kept for the capture tools. */
    static String streamUrl(String endpoint, List<String> symbols, List<String> streams) {
        return BinanceEndpoints.of(endpoint, "legacy", "").routes(symbols, streams).get(0).url();
    }

    private final class Events implements WsConnection.Events {
        @Override
        public void opened(WsConnection c, boolean reconnect) {
            if (c.streams.stream().anyMatch(diffStreams::contains)) {
                depthSync.connectionOpened(reconnect);
            }
        }

        @Override
        public void text(WsConnection c, String text) {
            RawMessage m = new RawMessage(ctx.clock().nanos(), text);
            boolean delivered = ctx.ingress().offer(m);
            if (!diffStreams.isEmpty()) {
                diff(text, delivered, m.receivedNanos());
            }
            CaptureWriter w = capture;
            if (w != null) {
                try {
                    w.write(m);
                } catch (IOException e) {
                    ctx.metrics().increment("capture_errors");
                }
            }
        }

        @Override
        public void lost(WsConnection c) {
        }

        @Override
        public void changed() {
            publish();
        }
    }

    /** Follows the update ids of a diff frame and starts a snapshot fetch when the book needs one. */
    private void diff(String text, boolean delivered, long now) {
        String stream = streamOf(text);
        if (stream == null || !diffStreams.contains(stream) || !text.endsWith("}")) {
            return; // a truncated frame is the stage's parse error, not an update
        }
        int data = text.indexOf("\"data\"");
        long first = DepthSync.number(text, "\"U\":", data);
        long last = DepthSync.number(text, "\"u\":", data);
        long prev = DepthSync.number(text, "\"pu\":", data);
        if (first < 0 || last < 0) {
            return; // malformed: the stage counts it
        }
        String symbol = stream.substring(0, stream.indexOf('@')).toUpperCase(Locale.ROOT);
        if (depthSync.onDiff(symbol, first, last, prev, delivered, now)) {
            snapshots.fetch(symbol, body -> snapshotArrived(symbol, body));
        }
    }

    private void snapshotArrived(String symbol, String body) {
        if (stopped) {
            return;
        }
        long id = DepthSync.number(body, "\"lastUpdateId\":", 0);
        long now = ctx.clock().nanos();
        if (!depthSync.onSnapshot(symbol, id, now)) {
            ctx.metrics().fact("depth_resync_reasons", depthSync.reasons());
            return;
        }
        String frame = "{\"stream\":\"" + symbol.toLowerCase(Locale.ROOT) + "@depthSnapshot\",\"data\":" + body.trim() + "}";
        if (ctx.ingress().offer(new RawMessage(now, frame))) {
            ctx.metrics().increment("depth_snapshots_injected");
        } else {
            ctx.metrics().increment("depth_snapshots_dropped");
        }
        publish();
    }

    /** The {@code "stream"} value of a combined-stream envelope, or null. */
    static String streamOf(String text) {
        int k = text.indexOf("\"stream\":\"");
        if (k < 0 || k > 16) {
            return null;
        }
        int from = k + 10;
        int to = text.indexOf('"', from);
        return to < 0 ? null : text.substring(from, to);
    }

    /** Republishes the connection and depth-sync facts (on every change and every second). */
    private void publish() {
        long now = ctx.clock().nanos();
        Map<String, Object> per = new LinkedHashMap<>();
        boolean allEver = !connections.isEmpty();
        boolean anyEver = false;
        long downMax = 0;
        for (WsConnection c : connections) {
            per.put(c.name, c.describe(now));
            allEver &= c.connectedEver();
            anyEver |= c.connectedEver();
            downMax = Math.max(downMax, c.downNanos(now));
        }
        ctx.metrics().fact("connections", per);
        ctx.metrics().fact("feed_connected_ever", allEver);
        ctx.metrics().fact("feed_any_connected_ever", anyEver);
        ctx.metrics().fact("feed_disconnected_ms", downMax / 1_000_000);
        if (!diffStreams.isEmpty()) {
            ctx.metrics().fact("depth_sync", depthSync.describe());
            ctx.metrics().fact("depth_resync_reasons", depthSync.reasons());
            long resyncs = depthSync.resyncs();
            long counted = ctx.metrics().counter("depth_resyncs");
            if (resyncs > counted) {
                ctx.metrics().add("depth_resyncs", resyncs - counted);
            }
        }
    }

    private void flushCapture() {
        CaptureWriter w = capture;
        if (w != null) {
            try {
                w.flush();
            } catch (IOException e) {
                ctx.metrics().increment("capture_errors");
            }
        }
    }

    @Override
    public HealthReport health() {
        if (stopped) {
            return HealthReport.healthy();
        }
        long now = ctx.clock().nanos();
        long worst = 0;
        String detail = "";
        for (WsConnection c : connections) {
            if (!c.connected()) {
                long down = c.downNanos(now) / 1_000_000;
                if (down >= worst) {
                    worst = down;
                    String why = c.troubleReason();
                    detail = c.name + " connection " + (c.connectedEver() ? "disconnected" : "never connected") + " for "
                            + down + " ms" + (why == null ? "" : ": " + why);
                }
            }
        }
        if (detail.isEmpty()) {
            return HealthReport.healthy();
        }
        return HealthReport.of(worst > 30_000 ? HealthState.UNHEALTHY : HealthState.DEGRADED, detail);
    }

    @Override
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        timers.forEach(Cancellable::cancel);
        snapshots.stop();
        connections.forEach(WsConnection::stop);
        publish();
        if (capture != null) {
            try {
                capture.close();
            } catch (IOException e) {
                ctx.metrics().increment("capture_errors");
            }
        }
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
