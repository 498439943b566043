package io.soak.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One connected client: its route ({@code public}, {@code market} or {@code legacy}), its streams (from the URL,
 * then changed by live {@code SUBSCRIBE}/{@code UNSUBSCRIBE}), its {@code combined} property (true on
 * {@code /stream}: envelopes {@code {"stream":…,"data":…}}; false on {@code /ws}: the raw payload) and its Jetty
 * session. Live methods are answered as Binance does ({@code {"result":null,"id":N}}, error frames
 * {@code {"error":{"code":…,"msg":…},"id":N}}); more than 10 incoming messages in a second, or more than 1024
 * streams, disconnect (the limits of Binance's market streams). Sends are asynchronous with a bounded number in
 * flight; a client stuck for a second loses the message (counted). Public only because Jetty invokes the
 * listener methods reflectively; the package is never exported.
 */
public final class ClientSession implements Session.Listener.AutoDemanding {

    private static final int MAX_IN_FLIGHT = 4096;
    static final int MAX_STREAMS = 1024;
    static final int MAX_INCOMING_PER_SECOND = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BinanceFeedEmulator emulator;
    final String route;
    private final Set<String> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<String> order = new ArrayList<>(); // guarded by this: LIST_SUBSCRIPTIONS in subscription order
    private volatile boolean combined;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    final AtomicLong sent = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private volatile Session session;
    private volatile long openedAtNanos;
    private volatile long lastPongNanos;
    private long windowStartNanos; // guarded by this
    private int windowCount;

    ClientSession(BinanceFeedEmulator emulator, String route, boolean combined, Collection<String> initial) {
        this.emulator = emulator;
        this.route = route;
        this.combined = combined;
        for (String s : initial) {
            if (streams.add(s)) {
                order.add(s);
            }
        }
    }

    synchronized List<String> streams() {
        return List.copyOf(order);
    }

    /** True when the client subscribed to {@code stream}. */
    boolean wants(String stream) {
        return streams.contains(stream);
    }

    boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    long openedAtNanos() {
        return openedAtNanos;
    }

    long lastPongNanos() {
        return lastPongNanos;
    }

    /** Sends a served message (a combined-stream envelope): as it is, or its raw payload when not combined. */
    void send(String envelope) {
        sendText(combined ? envelope : payload(envelope));
    }

    /** The {@code data} part of an envelope (the raw stream payload). */
    static String payload(String envelope) {
        int d = envelope.indexOf("\"data\":");
        if (d < 0 || !envelope.endsWith("}")) {
            return envelope;
        }
        return envelope.substring(d + 7, envelope.length() - 1);
    }

    void sendText(String text) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            dropped.incrementAndGet();
            return;
        }
        try {
            if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                dropped.incrementAndGet();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        sent.incrementAndGet();
        s.sendText(text, Callback.from(inFlight::release, failure -> inFlight.release()));
    }

    void ping() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.sendPing(ByteBuffer.wrap(Long.toString(System.currentTimeMillis()).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    Callback.NOOP);
        }
    }

    /** Drops the connection without a close handshake (a network failure, as the client sees it). */
    void drop() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }

    void close(int code, String reason) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        this.openedAtNanos = System.nanoTime();
        this.lastPongNanos = openedAtNanos;
        emulator.opened(this);
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        Session s = session;
        if (s != null) {
            s.sendPong(payload, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastPongNanos = System.nanoTime();
    }

    @Override
    public void onWebSocketText(String message) {
        if (!withinRate()) {
            emulator.limitDisconnect();
            close(1008, "Too many requests");
            return;
        }
        requests.incrementAndGet();
        String reply = answer(message);
        if (reply != null) {
            sendText(reply);
        }
    }

    private synchronized boolean withinRate() {
        long now = System.nanoTime();
        if (now - windowStartNanos >= 1_000_000_000L) {
            windowStartNanos = now;
            windowCount = 0;
        }
        return ++windowCount <= MAX_INCOMING_PER_SECOND;
    }

    /** The reply to one live-method request (Binance's texts and codes), or null when none is due. */
    String answer(String message) {
        JsonNode req;
        try {
            req = JSON.readTree(message);
        } catch (Exception e) {
            return error(3, "Invalid JSON: expected value at line 1 column 1", null);
        }
        if (req == null || !req.isObject()) {
            return error(3, "Invalid JSON: expected value at line 1 column 1", null);
        }
        JsonNode id = req.get("id");
        if (id != null && !id.isNull() && !(id.isIntegralNumber() && id.asLong() >= 0)) {
            return error(2, "Invalid request: request ID must be an unsigned integer", null);
        }
        JsonNode method = req.get("method");
        if (method == null || !method.isTextual()) {
            return error(2, "Invalid request: missing field `method` at line 1 column " + message.length(), id);
        }
        JsonNode params = req.get("params");
        switch (method.asText()) {
            case "SUBSCRIBE", "UNSUBSCRIBE" -> {
                boolean sub = method.asText().equals("SUBSCRIBE");
                if (params == null || !params.isArray()) {
                    return error(2, "Invalid request: missing field `params`", id);
                }
                List<String> names = new ArrayList<>();
                for (JsonNode p : params) {
                    if (!p.isTextual()) {
                        return error(2, "Invalid request: stream names must be strings", id);
                    }
                    names.add(p.asText());
                }
                if (sub) {
                    for (String n : names) {
                        String why = emulator.refusal(n, route);
                        if (why != null) {
                            return error(2, "Invalid request: " + why, id);
                        }
                    }
                    synchronized (this) {
                        Set<String> after = new LinkedHashSet<>(order);
                        after.addAll(names);
                        if (after.size() > MAX_STREAMS) {
                            return error(2, "Invalid request: too many streams: " + after.size() + " (a connection serves at most "
                                    + MAX_STREAMS + ")", id);
                        }
                        for (String n : names) {
                            if (streams.add(n)) {
                                order.add(n);
                            }
                        }
                    }
                } else {
                    synchronized (this) {
                        for (String n : names) {
                            streams.remove(n);
                            order.remove(n);
                        }
                    }
                }
                return result(JsonNodeFactory.instance.nullNode(), id);
            }
            case "LIST_SUBSCRIPTIONS" -> {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                streams().forEach(a::add);
                return result(a, id);
            }
            case "SET_PROPERTY" -> {
                if (params == null || !params.isArray() || params.size() != 2) {
                    return error(2, "Invalid request: too many parameters", id);
                }
                if (!params.get(0).isTextual()) {
                    return error(2, "Invalid request: property name must be a string", id);
                }
                if (!params.get(0).asText().equals("combined")) {
                    return error(0, "Unknown property", id);
                }
                if (!params.get(1).isBoolean()) {
                    return error(1, "Invalid value type: expected Boolean", id);
                }
                combined = params.get(1).asBoolean();
                return result(JsonNodeFactory.instance.nullNode(), id);
            }
            case "GET_PROPERTY" -> {
                if (params == null || !params.isArray() || params.size() != 1) {
                    return error(2, "Invalid request: too many parameters", id);
                }
                if (!params.get(0).isTextual()) {
                    return error(2, "Invalid request: property name must be a string", id);
                }
                if (!params.get(0).asText().equals("combined")) {
                    return error(0, "Unknown property", id);
                }
                return result(JsonNodeFactory.instance.booleanNode(combined), id);
            }
            default -> {
                return error(2, "Invalid request: unknown variant `" + method.asText() + "`, expected one of `SUBSCRIBE`, "
                        + "`UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 28", id);
            }
        }
    }

    private String result(JsonNode result, JsonNode id) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("result", result);
        o.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        return o.toString();
    }

    private String error(int code, String msg, JsonNode id) {
        errors.incrementAndGet();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ObjectNode e = o.putObject("error");
        e.put("code", code);
        e.put("msg", msg);
        o.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        return o.toString();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        emulator.closed(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        emulator.closed(this);
    }
}
