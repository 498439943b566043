package io.soak.harvest.internal;

import io.soak.api.log.Repeats;
import io.soak.api.source.SourceContext;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of the live source ({@code public}, {@code market} or {@code legacy}) with its own
 * reconnect backoff and its own accounting: every attempt and its outcome ({@code opened}, {@code refused},
 * {@code timeout}, {@code http 404}, {@code closed 1001}, …), failures before an open, unplanned losses after
 * one, planned 24 h cuts, the time without a connection (from the start of the run until the first open, and
 * every outage after), and a bounded list of reconnects. Timers on the engine scheduler; OkHttp's reader
 * thread delivers the frames. Server pings are answered with pongs by OkHttp itself.
 */
final class WsConnection {

    private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);
    static final long PLANNED_SESSION_NANOS = (23L * 3600 + 1800) * 1_000_000_000L;

    /** What the source does with frames and state changes of this connection. */
    interface Events {
        void opened(WsConnection c, boolean reconnect);

        void text(WsConnection c, String text);

        void lost(WsConnection c);

        /** Something in this connection's accounting changed (republish the facts). */
        void changed();
    }

    final String name;
    final String url;
    final List<String> streams;
    private final SourceContext ctx;
    private final OkHttpClient client;
    private final Request request;
    private final ReconnectBackoff backoff;
    private final Events events;

    // guarded by this
    private WebSocket socket;
    private int generation;
    private boolean stopped;
    private boolean connected;
    private boolean connectedEver;
    private long connectedAtNanos;
    private long downSinceNanos;
    private long downTotalNanos;
    private boolean plannedClose;
    private String troubleReason;
    private final List<Long> troubleBackoffs = new ArrayList<>();
    /** The failed attempts since the connection was last open (the shared failure-streak rule of the api). */
    private final Repeats.Streak trouble = new Repeats.Streak();
    private final List<Map<String, Object>> reconnects = new ArrayList<>();
    private final Map<String, Long> outcomes = new TreeMap<>();
    private long attempts;
    private long failures;
    private long opens;
    private long outages;
    private long losses;
    private long planned;
    private long retries;
    private String lastFailure = "";

    WsConnection(String name, String url, List<String> streams, SourceContext ctx, OkHttpClient client,
                 ReconnectBackoff backoff, Events events) {
        this.name = name;
        this.url = url;
        this.streams = streams;
        this.ctx = ctx;
        this.client = client;
        this.backoff = backoff;
        this.events = events;
        this.request = new Request.Builder().url(url.replaceFirst("(?i)^wss:", "https:").replaceFirst("(?i)^ws:", "http:")).build();
        this.downSinceNanos = ctx.clock().nanos();
    }

    synchronized void connect() {
        if (stopped) {
            return;
        }
        int gen = ++generation;
        attempts++;
        ctx.metrics().increment("connect_attempts");
        socket = client.newWebSocket(request, new Listener(gen));
    }

    synchronized boolean connected() {
        return connected;
    }

    synchronized boolean connectedEver() {
        return connectedEver;
    }

    /** Nanoseconds without a connection so far (closed outages plus the current one). */
    synchronized long downNanos(long now) {
        return downTotalNanos + (connected || stopped ? 0 : now - downSinceNanos);
    }

    synchronized String troubleReason() {
        return troubleReason;
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
            if (text.contains("serverShutdown")) {
                synchronized (WsConnection.this) {
                    plannedClose = true;
                }
            }
            events.text(WsConnection.this, text);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(1000, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            lost(gen, code, "closed " + code, "closed by server (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            String outcome;
            if (response != null) {
                outcome = "http " + response.code();
            } else if (t instanceof ConnectException) {
                outcome = "refused";
            } else if (t instanceof SocketTimeoutException) {
                outcome = "timeout";
            } else if (t instanceof java.net.UnknownHostException) {
                outcome = "unknown host";
            } else {
                outcome = t.getClass().getSimpleName();
            }
            String why = response != null ? "HTTP " + response.code() + " on the handshake"
                    : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            lost(gen, -1, outcome, why);
        }
    }

    private void opened(int gen) {
        boolean reconnect;
        synchronized (this) {
            if (gen != generation || stopped) {
                return;
            }
            long now = ctx.clock().nanos();
            reconnect = connectedEver;
            connected = true;
            connectedEver = true;
            connectedAtNanos = now;
            downTotalNanos += now - downSinceNanos;
            opens++;
            outcomes.merge("opened", 1L, Long::sum);
            long attempts = trouble.ended();
            if (troubleReason != null && reconnect) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("at", Instant.ofEpochSecond(0, now).toString());
                r.put("reason", troubleReason);
                r.put("backoff_ms", troubleBackoffs.isEmpty() ? 0 : troubleBackoffs.get(0));
                r.put("backoffs_ms", List.copyOf(troubleBackoffs));
                r.put("attempts", attempts);
                r.put("down_ms", (now - downSinceNanos) / 1_000_000);
                reconnects.add(r);
                if (reconnects.size() > 100) {
                    reconnects.remove(0);
                }
                LOG.info("{} connection re-established after {} attempt(s): {}", name, attempts, troubleReason);
            } else {
                LOG.info("{} connection open: {}", name, BinanceEndpoints.shown(url));
            }
            troubleReason = null;
            troubleBackoffs.clear();
        }
        events.opened(this, reconnect);
        events.changed();
    }

    private void lost(int gen, int code, String outcome, String why) {
        synchronized (this) {
            if (gen != generation || stopped) {
                return;
            }
            long now = ctx.clock().nanos();
            boolean wasConnected = connected;
            connected = false;
            long session = wasConnected ? now - connectedAtNanos : 0;
            boolean plannedCut = wasConnected && (plannedClose
                    || ((code == 1000 || code == 1001) && session >= PLANNED_SESSION_NANOS));
            plannedClose = false;
            if (wasConnected) {
                downSinceNanos = now;
            }
            outcomes.merge(wasConnected ? (plannedCut ? "planned cut" : outcome.startsWith("closed") ? outcome : "dropped")
                    : outcome, 1L, Long::sum);
            if (plannedCut && troubleReason == null) {
                planned++;
                ctx.metrics().increment("planned_reconnects");
                LOG.info("{}: planned reconnect after a {} h session: {}", name, session / 3_600_000_000_000L, why);
                backoff.reset();
                ctx.scheduler().schedule(0, this::connect);
            } else {
                if (wasConnected) {
                    losses++;
                    backoff.sessionEnded(session / 1_000_000);
                } else {
                    failures++;
                    ctx.metrics().increment("connect_failures");
                }
                lastFailure = why;
                if (troubleReason == null) {
                    // one outage, one reconnect (DOMAIN.md: real reconnects, SLO <= 3 per hour), however many
                    // attempts it takes; a feed that never connects is one outage too (and fails live_connected)
                    troubleReason = why;
                    outages++;
                    ctx.metrics().increment("reconnect_count");
                }
                long delay = backoff.next();
                troubleBackoffs.add(delay);
                trouble.failed();
                retries++;
                ctx.metrics().increment("reconnect_attempts");
                LOG.warn("{} connection {} ({}); reconnecting in {} ms", name, wasConnected ? "lost" : "failed", why, delay);
                ctx.scheduler().schedule(delay * 1_000_000L, this::connect);
            }
        }
        events.lost(this);
        events.changed();
    }

    /** This connection's accounting for the harvester section of the manifest. */
    synchronized Map<String, Object> describe(long now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("url", BinanceEndpoints.shown(url));
        d.put("streams", streams.size());
        d.put("state", connected ? "connected" : stopped ? "stopped" : "disconnected");
        d.put("connected_ever", connectedEver);
        d.put("connect_attempts", attempts);
        d.put("connect_failures", failures);
        d.put("opens", opens);
        d.put("unplanned_losses", losses);
        d.put("planned_reconnects", planned);
        d.put("reconnect_count", outages);
        d.put("reconnect_attempts", retries);
        d.put("disconnected_ms", downNanos(now) / 1_000_000);
        d.put("attempt_outcomes", new TreeMap<>(outcomes));
        d.put("last_failure", lastFailure);
        d.put("reconnects", List.copyOf(reconnects));
        return d;
    }

    void stop() {
        WebSocket ws;
        synchronized (this) {
            if (stopped) {
                return;
            }
            long now = ctx.clock().nanos();
            if (!connected) {
                downTotalNanos += now - downSinceNanos;
            }
            stopped = true;
            ws = socket;
        }
        if (ws != null) {
            ws.close(1000, "soak stopping");
        }
    }
}
