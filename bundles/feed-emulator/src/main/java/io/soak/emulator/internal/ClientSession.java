package io.soak.emulator.internal;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One connected client: the streams it subscribed to in its URL ({@code /stream?streams=a/b/c}) and its
 * Jetty session. Sends are asynchronous with a bounded number in flight, so a slow client slows the pacer
 * (at {@code max} pace) instead of filling memory; a client stuck for a second loses the message (counted).
 * Public only because Jetty invokes the listener methods reflectively; the package is never exported.
 */
public final class ClientSession implements Session.Listener.AutoDemanding {

    private static final int MAX_IN_FLIGHT = 4096;

    private final BinanceFeedEmulator emulator;
    private final Set<String> streams;
    private final Set<String> diffSymbols;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    final AtomicLong sent = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private volatile Session session;

    ClientSession(BinanceFeedEmulator emulator, Set<String> streams) {
        this.emulator = emulator;
        this.streams = Set.copyOf(streams);
        this.diffSymbols = streams.stream()
                .filter(s -> s.endsWith("@depth") || s.contains("@depth@"))
                .map(s -> s.substring(0, s.indexOf('@')))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    Set<String> streams() {
        return streams;
    }

    /** True when the client subscribed to {@code stream}; a wrapped snapshot goes to diff-stream subscribers. */
    boolean wants(String stream) {
        if (streams.contains(stream)) {
            return true;
        }
        int at = stream.indexOf('@');
        return at > 0 && stream.endsWith("@depthSnapshot") && diffSymbols.contains(stream.substring(0, at));
    }

    boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    void send(String text) {
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
    public void onWebSocketClose(int statusCode, String reason) {
        emulator.closed(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        emulator.closed(this);
    }
}
