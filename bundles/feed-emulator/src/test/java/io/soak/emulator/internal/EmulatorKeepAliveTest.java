package io.soak.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.source.FeedEmulator;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Server pings and the pong deadline, against a raw WebSocket client on loopback that never answers a ping (the
 * JDK's and OkHttp's clients answer pings themselves, so a plain socket speaks the protocol here): the emulator
 * pings on its cadence and drops the connection once no pong came within {@code pong_timeout_s} (Binance: pings
 * every 3 minutes, disconnect without a pong within 10 minutes; both settings shortened here so the test runs in
 * seconds). The client that does answer is kept: {@code EmulatorProtocolTest.serverPingsOnTheCadenceAndAQuietSubscriptionIsKept}.
 */
class EmulatorKeepAliveTest {

    /** What the silent client saw until the server dropped it. */
    record Seen(int pings, int texts, long openMs, boolean closeFrame, boolean dropped, int closeCode) {
    }

    /** Handshake, then read frames until the server closes the socket, never sending anything (no pong). */
    static Seen silentClient(String endpoint, String path, long giveUpMs) throws IOException {
        URI u = URI.create(endpoint);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), u.getPort())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            String key = Base64.getEncoder().encodeToString("soak-silent-1234".getBytes(StandardCharsets.US_ASCII));
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + u.getPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            String status = headers(in);
            assertThat(status).as("handshake").startsWith("HTTP/1.1 101");
            s.setSoTimeout(1_000);
            long opened = System.nanoTime();
            int pings = 0;
            int texts = 0;
            boolean close = false;
            boolean dropped = false;
            int closeCode = -1;
            long deadline = opened + giveUpMs * 1_000_000L;
            try {
                while (System.nanoTime() < deadline) {
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = in.readUnsignedShort();
                    } else if (len == 127) {
                        len = in.readLong();
                    }
                    if ((b0 & 0x0f) == 0x8 && len >= 2) {
                        closeCode = in.readUnsignedShort();
                        len -= 2;
                    }
                    in.skipNBytes(len);
                    switch (b0 & 0x0f) {
                        case 0x9 -> pings++;
                        case 0x1 -> texts++;
                        case 0x8 -> close = true;
                        default -> { }
                    }
                    if (close) {
                        break; // the server closed with a close frame
                    }
                }
            } catch (EOFException | java.net.SocketException end) {
                dropped = true; // the server dropped the connection
            } catch (java.net.SocketTimeoutException quiet) {
                // nothing for a second: still open
            }
            return new Seen(pings, texts, (System.nanoTime() - opened) / 1_000_000, close, dropped, closeCode);
        }
    }

    private static String headers(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("handshake cut: " + b);
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Test
    @Timeout(60)
    void aClientThatNeverAnswersPingsIsDisconnectedAfterThePongTimeout() throws Exception {
        try (FeedEmulator em = EmulatorProtocolTest.start("1x", Map.of("ping_interval_s", 0.5, "pong_timeout_s", 2))) {
            Seen seen = silentClient(em.endpoint(), "/market/stream?streams=btcusdt@trade", 10_000);
            assertThat(seen.dropped()).as("dropped within 10 s: %s", seen).isTrue();
            assertThat(seen.pings()).as("server pings before the deadline (every 0.5 s)").isGreaterThanOrEqualTo(2);
            assertThat(seen.openMs()).as("dropped at the pong deadline (2 s), not before").isBetween(2_000L, 8_000L);
            assertThat(seen.closeFrame()).as("dropped without a close frame, as Binance does").isFalse();
            assertThat(em.describe().get("pong_timeouts")).isEqualTo(1L);
            assertThat((Long) em.describe().get("pings_sent")).isGreaterThanOrEqualTo(seen.pings());
        }
    }

    @Test
    @Timeout(60)
    void aConnectionIsCutAfterMaxSessionWith1001() throws Exception {
        // Binance: "a single connection is only valid for 24 hours; expect to be disconnected at the 24 hour mark"
        try (FeedEmulator em = EmulatorProtocolTest.start("1x", Map.of("max_session_s", 1.5, "ping_interval_s", 60))) {
            Seen seen = silentClient(em.endpoint(), "/public/ws/btcusdt@bookTicker", 10_000);
            assertThat(seen.closeFrame()).as("closed with a close frame: %s", seen).isTrue();
            assertThat(seen.closeCode()).isEqualTo(1001);
            assertThat(seen.openMs()).isBetween(1_500L, 8_000L);
            assertThat(em.describe().get("session_cuts_24h")).isEqualTo(1L);
            assertThat(em.describe().get("pong_timeouts")).isEqualTo(0L);
        }
    }

    @Test
    void theDefaultsAreBinancesCadence() {
        EmulatorSettings s = EmulatorSettings.of(new io.soak.api.plan.SourceSpec("binance-ws", java.util.List.of("BTCUSDT"),
                java.util.List.of(), "", java.util.List.of(), false, Map.of(), Map.of(), Map.of()), 0);
        assertThat(s.pingIntervalMs()).isEqualTo(180_000L); // "a ping frame every 3 minutes"
        assertThat(s.pongTimeoutMs()).isEqualTo(600_000L); // "no pong within a 10 minute period: disconnected"
        assertThat(s.maxSessionMs()).isEqualTo(86_400_000L); // "only valid for 24 hours"
    }
}
