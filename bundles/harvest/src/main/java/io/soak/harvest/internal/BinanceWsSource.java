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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live source {@code binance-ws}: one OkHttp WebSocket to {@code <endpoint>/stream?streams=…}, every text
 * frame offered to the engine's ingress with the engine clock's receive time (never blocking OkHttp's reader
 * thread: the ingress drops and counts when full). Pings every 20 s. Reconnects on the engine scheduler with
 * {@link ReconnectBackoff}; Binance's planned 24 h close (code 1000/1001 after ≥ 23.5 h, or a
 * {@code serverShutdown} event) is counted as {@code planned_reconnects}, not as {@code reconnect_count}.
 * With {@code capture.enabled} every frame is also written, buffered, by {@link CaptureWriter} on the reader
 * thread (flushed every 5 s on the scheduler and closed on stop).
 */
final class BinanceWsSource implements FeedSource {

    private static final Logger LOG = LoggerFactory.getLogger(BinanceWsSource.class);
    static final long PLANNED_SESSION_NANOS = (23L * 3600 + 1800) * 1_000_000_000L;

    private SourceContext ctx;
    private OkHttpClient client;
    private Request request;
    private ReconnectBackoff backoff;
    private CaptureWriter capture;
    private final List<Cancellable> timers = new ArrayList<>();
    private final List<Map<String, Object>> reconnects = new ArrayList<>();

    // guarded by this
    private WebSocket socket;
    private int generation;
    private boolean stopped;
    private boolean connected;
    private long connectedAtNanos;
    private long disconnectedAtNanos;
    private boolean plannedClose;
    private String troubleReason;
    private final List<Long> troubleBackoffs = new ArrayList<>();

    @Override
    public void start(SourceContext context) {
        this.ctx = context;
        Settings s = context.config();
        SourceSpec spec = context.spec();
        String endpoint = spec.endpoint().isBlank() ? s.string("endpoint", "wss://fstream.binance.com") : spec.endpoint();
        String url = streamUrl(endpoint, spec.symbols(), spec.streams());
        backoff = new ReconnectBackoff(s.integer("reconnect.initial_ms", 1000), s.decimal("reconnect.multiplier", 1.5),
                s.integer("reconnect.max_ms", 5000), s.integer("reconnect.reset_after_s", 300) * 1000);
        client = new OkHttpClient.Builder()
                .pingInterval(s.integer("ping_interval_s", 20), TimeUnit.SECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .connectTimeout(s.integer("connect_timeout_s", 10), TimeUnit.SECONDS)
                .build();
        request = new Request.Builder().url(url.replaceFirst("^wss:", "https:").replaceFirst("^ws:", "http:")).build();
        if (s.flag("capture.enabled", false)) {
            capture = new CaptureWriter(context.runDirectory().resolve("capture"));
            timers.add(context.scheduler().scheduleAtFixedRate(5_000_000_000L, 5_000_000_000L, this::flushCapture));
        }
        context.metrics().fact("endpoint", url);
        context.metrics().add("reconnect_count", 0);
        context.metrics().add("planned_reconnects", 0);
        LOG.info("connecting to {}", url);
        connect();
    }

    /** {@code <endpoint>/stream?streams=btcusdt@aggTrade/btcusdt@bookTicker/…} (lower-case symbols). */
    static String streamUrl(String endpoint, List<String> symbols, List<String> streams) {
        StringBuilder b = new StringBuilder(endpoint.replaceAll("/+$", "")).append("/stream?streams=");
        boolean first = true;
        for (String sym : symbols) {
            for (String st : streams) {
                if (!first) {
                    b.append('/');
                }
                b.append(sym.toLowerCase(Locale.ROOT)).append('@').append(st);
                first = false;
            }
        }
        return b.toString();
    }

    private synchronized void connect() {
        if (stopped) {
            return;
        }
        int gen = ++generation;
        socket = client.newWebSocket(request, new Listener(gen));
    }

    private final class Listener extends WebSocketListener {
        private final int gen;

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            opened(gen);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            RawMessage m = new RawMessage(ctx.clock().nanos(), text);
            ctx.ingress().offer(m);
            if (text.contains("serverShutdown")) {
                synchronized (BinanceWsSource.this) {
                    plannedClose = true;
                }
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
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(1000, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            lost(gen, code, "closed by server (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            String why = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            lost(gen, -1, why);
        }
    }

    private synchronized void opened(int gen) {
        if (gen != generation || stopped) {
            return;
        }
        long now = ctx.clock().nanos();
        connected = true;
        connectedAtNanos = now;
        if (troubleReason != null) {
            ctx.metrics().increment("reconnect_count");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("at", Instant.ofEpochSecond(0, now).toString());
            r.put("reason", troubleReason);
            r.put("backoff_ms", troubleBackoffs.isEmpty() ? 0 : troubleBackoffs.get(0));
            r.put("backoffs_ms", List.copyOf(troubleBackoffs));
            r.put("attempts", troubleBackoffs.size());
            r.put("down_ms", (now - disconnectedAtNanos) / 1_000_000);
            reconnects.add(r);
            if (reconnects.size() > 100) {
                reconnects.remove(0);
            }
            ctx.metrics().fact("reconnects", List.copyOf(reconnects));
            LOG.info("reconnected after {} attempt(s): {}", troubleBackoffs.size(), troubleReason);
            troubleReason = null;
            troubleBackoffs.clear();
        }
    }

    private synchronized void lost(int gen, int code, String why) {
        if (gen != generation || stopped) {
            return;
        }
        long now = ctx.clock().nanos();
        boolean wasConnected = connected;
        connected = false;
        long session = wasConnected ? now - connectedAtNanos : 0;
        boolean planned = wasConnected && (plannedClose
                || ((code == 1000 || code == 1001) && session >= PLANNED_SESSION_NANOS));
        plannedClose = false;
        if (wasConnected) {
            disconnectedAtNanos = now;
        }
        if (planned && troubleReason == null) {
            ctx.metrics().increment("planned_reconnects");
            LOG.info("planned reconnect after a {} h session: {}", session / 3_600_000_000_000L, why);
            backoff.reset();
            ctx.scheduler().schedule(0, this::connect);
            return;
        }
        if (wasConnected) {
            backoff.sessionEnded(session / 1_000_000);
        }
        if (troubleReason == null) {
            troubleReason = why;
            if (!wasConnected && disconnectedAtNanos == 0) {
                disconnectedAtNanos = now;
            }
        }
        long delay = backoff.next();
        troubleBackoffs.add(delay);
        ctx.metrics().increment("reconnect_attempts");
        LOG.warn("feed connection lost ({}); reconnecting in {} ms", why, delay);
        ctx.scheduler().schedule(delay * 1_000_000L, this::connect);
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
        synchronized (this) {
            if (connected || stopped) {
                return HealthReport.healthy();
            }
            long downMs = (ctx.clock().nanos() - disconnectedAtNanos) / 1_000_000;
            return HealthReport.of(downMs > 30_000 ? HealthState.UNHEALTHY : HealthState.DEGRADED,
                    "feed disconnected for " + downMs + " ms" + (troubleReason == null ? "" : ": " + troubleReason));
        }
    }

    @Override
    public void stop() {
        WebSocket ws;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            ws = socket;
        }
        timers.forEach(Cancellable::cancel);
        if (ws != null) {
            ws.close(1000, "soak stopping");
        }
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
