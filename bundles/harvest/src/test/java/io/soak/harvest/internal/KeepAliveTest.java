package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedEmulator;
import io.soak.api.stage.Settings;
import io.soak.emulator.internal.BinanceEmulatorFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live source's keep-alive over real loopback sockets. It answers the server's pings (OkHttp pongs by
 * itself): against the emulator pinging every 0.5 s with a 2 s pong deadline the connection outlives the deadline
 * twice over. And it treats a silent connection as dead: against a server that completes the handshake and then
 * neither sends nor answers anything, OkHttp's own ping ({@code ping_interval_s}, 20 s by default, 1 s here) goes
 * unanswered, the connection is declared lost ({@code dropped}, the reason names the missing pong) and reconnected
 * through the backoff.
 */
class KeepAliveTest {

    @TempDir
    Path runDir;

    static final Settings LEGACY = new Settings(Map.of("layout", "legacy", "snapshot.rest", false));

    @Test
    @Timeout(60)
    void answersTheServersPingsSoTheConnectionOutlivesThePongDeadline() throws Exception {
        SourceSpec spec = new SourceSpec("binance-ws", List.of("BTCUSDT"), List.of("trade"), "",
                List.of(SharedData.file(SharedData.BTC).toString()), false, Map.of(),
                Map.of("serve", "files", "pace", "1x", "timestamps", "recorded", "ping_interval_s", 0.5, "pong_timeout_s", 2),
                Map.of());
        TestMetrics metrics = new TestMetrics();
        try (WallTime time = new WallTime(); FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1)) {
            BinanceWsSource source = new BinanceWsSource();
            source.start(new FeedOverSocketTest.Ctx(FeedOverSocketTest.withEndpoint(spec, emulator.endpoint()), LEGACY, time,
                    metrics, m -> true, runDir));
            try {
                // 8 pings at 0.5 s: 4 s, twice the pong deadline; the source's own pings (20 s) play no part
                await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) emulator.describe().get("pings_sent")).longValue() >= 8);
                assertThat(emulator.describe().get("pong_timeouts")).isEqualTo(0L);
                assertThat(((Number) emulator.describe().get("connections_open")).intValue()).isEqualTo(1);
                assertThat(metrics.counter("reconnect_count")).isZero();
                assertThat(metrics.counter("connect_attempts")).isEqualTo(1);
            } finally {
                source.stop();
            }
        }
    }

    /** Accepts WebSocket handshakes, then reads and discards: never a frame back, never a pong. */
    static final class SilentServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger handshakes = new AtomicInteger();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            acceptor = new Thread(this::accept, "silent-ws-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String endpoint() {
            return "ws://127.0.0.1:" + server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread t = new Thread(() -> serve(s), "silent-ws-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                String req = headers(in);
                Matcher k = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)").matcher(req);
                if (!k.find()) {
                    return;
                }
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((k.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                handshakes.incrementAndGet();
                byte[] sink = new byte[4096];
                while (in.read(sink) >= 0) {
                    // the client's pings go unanswered
                }
            } catch (Exception e) {
                // the client went away
            }
        }

        private static String headers(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int state = 0;
            int c;
            while (state < 4 && (c = in.read()) >= 0) {
                b.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            return b.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    @Timeout(60)
    @SuppressWarnings("unchecked")
    void aSilentConnectionIsDeclaredDeadWhenItsPingGoesUnansweredAndIsReconnected() throws Exception {
        Settings settings = new Settings(Map.of("layout", "legacy", "snapshot.rest", false, "ping_interval_s", 1,
                "reconnect.initial_ms", 200));
        TestMetrics metrics = new TestMetrics();
        try (WallTime time = new WallTime(); SilentServer server = new SilentServer()) {
            SourceSpec spec = new SourceSpec("binance-ws", List.of("BTCUSDT"), List.of("trade"), server.endpoint(), List.of(),
                    false, Map.of(), Map.of(), Map.of());
            BinanceWsSource source = new BinanceWsSource();
            source.start(new FeedOverSocketTest.Ctx(spec, settings, time, metrics, m -> true, runDir));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> server.handshakes.get() >= 2
                        && metrics.counter("reconnect_count") >= 1);
            } finally {
                source.stop();
            }
        }
        Map<String, Map<String, Object>> conns = (Map<String, Map<String, Object>>) metrics.facts.get("connections");
        Map<String, Object> legacy = conns.get("legacy");
        assertThat((Map<String, Long>) legacy.get("attempt_outcomes")).containsKey("dropped");
        assertThat(((Number) legacy.get("unplanned_losses")).longValue()).isGreaterThanOrEqualTo(1);
        assertThat(legacy.get("last_failure").toString()).contains("SocketTimeoutException").contains("pong");
    }
}
