package io.soak.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The emulator as a Binance client sees it, over real loopback sockets with the JDK's own WebSocket and HTTP
 * clients: the 2026 URL layout and the legacy paths, live methods with Binance's replies and error codes, refused
 * stream names, raw (ws) and combined (stream) payloads, derived kinds, REST depth/exchangeInfo/ping/time, the
 * control endpoint, server pings. Every assertion here failed on the emulator before (404 on /public/stream,
 * no replies, no REST).
 */
class EmulatorProtocolTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static Path btc() {
        // the full shared recordings when found, else the fixture of runtime/testdata: never skipped
        return io.soak.testdata.TestData.file(io.soak.testdata.TestData.BTC).toAbsolutePath();
    }

    static FeedEmulator start(String pace, Map<String, Object> extra) throws Exception {
        Map<String, Object> e = new java.util.HashMap<>(Map.of("serve", "files", "pace", pace, "loop", true));
        e.putAll(extra);
        return new BinanceEmulatorFactory().start(new SourceSpec("binance-ws", List.of("BTCUSDT"), List.of(), "",
                List.of(btc().toString()), true, Map.of(), e, Map.of()), 1);
    }

    /** A client collecting every text frame. */
    static final class Client implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<String> pings = new CopyOnWriteArrayList<>();
        private final StringBuilder part = new StringBuilder();
        volatile WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                texts.add(part.toString());
                part.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            pings.add("ping");
            webSocket.request(1);
            return WebSocket.Listener.super.onPing(webSocket, message); // the JDK answers with a pong
        }

        JsonNode reply(long id) {
            await().atMost(Duration.ofSeconds(5)).until(() -> texts.stream().anyMatch(t -> t.contains("\"id\":" + id + "}")
                    || t.contains("\"id\":" + id + ",")));
            return texts.stream().filter(t -> t.startsWith("{\"result\"") || t.startsWith("{\"error\""))
                    .map(EmulatorProtocolTest::tree).filter(n -> n.path("id").asLong(-1) == id).findFirst().orElseThrow();
        }

        void send(String s) {
            ws.sendText(s, true).join();
        }
    }

    static JsonNode tree(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(s, e);
        }
    }

    static Client connect(FeedEmulator em, String path) {
        Client c = new Client();
        c.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(em.endpoint() + path), c).join();
        return c;
    }

    static int handshakeStatus(FeedEmulator em, String path) {
        try {
            HTTP.newWebSocketBuilder().buildAsync(URI.create(em.endpoint() + path), new Client()).join().abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    static HttpResponse<String> get(FeedEmulator em, String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(em.endpoint().replaceFirst("^ws:", "http:") + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Timeout(60)
    void liveMethodsAnswerAsBinanceDoesOnEveryPathOfTheNewLayout() throws Exception {
        try (FeedEmulator em = start("5x", Map.of())) {
            Client pub = connect(em, "/public/stream");
            pub.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@depth@100ms\",\"btcusdt@bookTicker\"],\"id\":1}");
            assertThat(pub.reply(1).toString()).isEqualTo("{\"result\":null,\"id\":1}");
            pub.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":3}");
            assertThat(pub.reply(3).toString()).isEqualTo("{\"result\":[\"btcusdt@depth@100ms\",\"btcusdt@bookTicker\"],\"id\":3}");
            pub.send("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":2}");
            assertThat(pub.reply(2).toString()).isEqualTo("{\"result\":true,\"id\":2}");
            pub.send("{\"method\":\"SET_PROPERTY\",\"params\":[\"combined\",\"yes\"],\"id\":5}");
            assertThat(pub.reply(5).toString()).isEqualTo("{\"error\":{\"code\":1,\"msg\":\"Invalid value type: expected Boolean\"},\"id\":5}");
            pub.send("{\"method\":\"SET_PROPERTY\",\"params\":[\"compressed\",true],\"id\":6}");
            assertThat(pub.reply(6).get("error").get("code").asInt()).isZero();
            pub.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"],\"id\":7}");
            assertThat(pub.reply(7).get("error").get("msg").asText()).contains("served on /market, not on /public");
            pub.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"BTCUSDT@bookTicker\"],\"id\":8}");
            assertThat(pub.reply(8).get("error").get("msg").asText()).contains("lower-case");
            pub.send("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@markPrice\"],\"id\":9}");
            assertThat(pub.reply(9).get("error").get("msg").asText()).contains("unknown stream");
            pub.send("{\"method\":\"PING\",\"id\":10}");
            assertThat(pub.reply(10).get("error").get("msg").asText()).startsWith("Invalid request: unknown variant `PING`");
            pub.send("{not json");
            await().atMost(Duration.ofSeconds(5)).until(() -> pub.texts.stream().anyMatch(t -> t.contains("\"code\":3")));
            pub.send("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"btcusdt@bookTicker\"],\"id\":11}");
            assertThat(pub.reply(11).toString()).isEqualTo("{\"result\":null,\"id\":11}");
            // combined payloads of the subscribed (derived) stream arrive
            await().atMost(Duration.ofSeconds(20)).until(() -> pub.texts.stream().anyMatch(t -> t.startsWith("{\"stream\":\"btcusdt@depth@100ms\"")));

            // ws mode: raw payloads, streams in the path, trades on /market with aggTrade derived
            Client raw = connect(em, "/market/ws/btcusdt@aggTrade");
            await().atMost(Duration.ofSeconds(20)).until(() -> raw.texts.stream().anyMatch(t -> t.startsWith("{\"e\":\"aggTrade\"")));
            raw.send("{\"method\":\"GET_PROPERTY\",\"params\":[\"combined\"],\"id\":1}");
            assertThat(raw.reply(1).toString()).isEqualTo("{\"result\":false,\"id\":1}");

            // the legacy root serves every kind; partial books from the emulator's book
            Client legacy = connect(em, "/stream?streams=btcusdt@depth5@100ms/btcusdt@trade");
            await().atMost(Duration.ofSeconds(20)).until(() -> legacy.texts.stream().anyMatch(t -> t.startsWith("{\"stream\":\"btcusdt@depth5@100ms\"")));
            String partial = legacy.texts.stream().filter(t -> t.startsWith("{\"stream\":\"btcusdt@depth5@100ms\"")).findFirst().orElseThrow();
            assertThat(tree(partial).get("data").get("b").size()).isEqualTo(5);

            // refused handshakes
            assertThat(handshakeStatus(em, "/public/ws/btcusdt@trade")).isEqualTo(400);
            assertThat(handshakeStatus(em, "/market/stream?streams=btcusdt@kline_1m")).isEqualTo(400);
            assertThat(handshakeStatus(em, "/stream?streams=ethusdt@trade")).as("a symbol not served").isEqualTo(400);
            assertThat(handshakeStatus(em, "/private/ws?listenKey=x")).isEqualTo(400);
            assertThat(handshakeStatus(em, "/nowhere")).isEqualTo(404);
            @SuppressWarnings("unchecked")
            Map<String, Long> routes = (Map<String, Long>) em.describe().get("connections_open_by_route");
            assertThat(routes).containsEntry("public", 1L).containsEntry("market", 1L).containsEntry("legacy", 1L);
        }
    }

    @Test
    @Timeout(60)
    void moreThanTenIncomingMessagesASecondDisconnect() throws Exception {
        try (FeedEmulator em = start("1x", Map.of())) {
            Client c = connect(em, "/market/stream");
            CompletableFuture<Void> closed = new CompletableFuture<>();
            for (int i = 0; i < 12 && !c.ws.isInputClosed(); i++) {
                try {
                    c.send("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":" + i + "}");
                } catch (CompletionException e) {
                    closed.complete(null);
                    break;
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) em.describe().get("limit_disconnects")).longValue() == 1);
        }
    }

    @Test
    @Timeout(60)
    void restAnswersDepthConsistentWithTheStreamExchangeInfoPingTimeAndTheControlEndpoint() throws Exception {
        try (FeedEmulator em = start("5x", Map.of())) {
            Client c = connect(em, "/public/stream?streams=btcusdt@depth@0ms");
            await().atMost(Duration.ofSeconds(20)).until(() -> c.texts.size() > 30);
            HttpResponse<String> depth = get(em, "/fapi/v1/depth?symbol=BTCUSDT&limit=100");
            assertThat(depth.statusCode()).isEqualTo(200);
            JsonNode snap = tree(depth.body());
            long l = snap.get("lastUpdateId").asLong();
            assertThat(snap.get("bids").size()).isEqualTo(100);
            assertThat(snap.get("bids").get(0).get(0).asDouble()).isLessThan(snap.get("asks").get(0).get(0).asDouble());
            // the snapshot is the book as of a diff the client received or will receive: U <= lastUpdateId <= u
            await().atMost(Duration.ofSeconds(10)).until(() -> c.texts.stream().map(EmulatorProtocolTest::tree)
                    .anyMatch(t -> t.get("data").get("U").asLong() <= l && l <= t.get("data").get("u").asLong()));
            assertThat(depth.headers().firstValue("X-MBX-USED-WEIGHT-1M")).isPresent();
            assertThat(get(em, "/fapi/v1/depth?symbol=XYZUSDT").body()).contains("-1121");
            assertThat(get(em, "/fapi/v1/depth").statusCode()).isEqualTo(400);
            assertThat(get(em, "/fapi/v1/depth?symbol=BTCUSDT&limit=7").body()).contains("-1130");
            assertThat(get(em, "/fapi/v1/ping").body()).isEqualTo("{}");
            long now = System.currentTimeMillis();
            assertThat(tree(get(em, "/fapi/v1/time").body()).get("serverTime").asLong()).isBetween(now - 5_000, now + 5_000);
            JsonNode info = tree(get(em, "/fapi/v1/exchangeInfo").body());
            assertThat(info.get("symbols").get(0).get("symbol").asText()).isEqualTo("BTCUSDT");
            assertThat(info.get("symbols").get(0).get("contractType").asText()).isEqualTo("PERPETUAL");
            // faults into the running emulator over loopback
            assertThat(get(em, "/soak/fault?kind=rest-throttle&count=1&code=418&retry_after_s=2").body()).contains("418");
            HttpResponse<String> banned = get(em, "/fapi/v1/depth?symbol=BTCUSDT");
            assertThat(banned.statusCode()).isEqualTo(418);
            assertThat(banned.headers().firstValue("Retry-After")).contains("2");
            assertThat(get(em, "/soak/fault?kind=feed-drop").body()).contains("dropped 1 connection");
            assertThat(get(em, "/soak/fault?kind=nonsense").statusCode()).isEqualTo(400);
            assertThat(tree(get(em, "/soak/describe").body()).get("faults").size()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(60)
    void serverPingsOnTheCadenceAndAQuietSubscriptionIsKept() throws Exception {
        try (FeedEmulator em = start("1x", Map.of("ping_interval_s", 0.5, "pong_timeout_s", 2))) {
            Client c = connect(em, "/market/stream");
            await().atMost(Duration.ofSeconds(10)).until(() -> c.pings.size() >= 6); // 3 s: past the pong deadline
            assertThat(c.ws.isInputClosed()).isFalse();
            assertThat(em.describe().get("pong_timeouts")).isEqualTo(0L);
        }
    }

    @Test
    @Timeout(240)
    void theEmulatorsBookIsNeverCrossedAcrossLoopSeams() throws Exception {
        try (FeedEmulator em = start("max", Map.of())) {
            Client c = connect(em, "/public/stream?streams=btcusdt@depth@0ms");
            BinanceFeedEmulator b = (BinanceFeedEmulator) em;
            long crossed = 0;
            long checks = 0;
            while (((Number) b.describe().get("loop_seams_repaired")).longValue() < 2) {
                EmulatorBook book = b.book("btcusdt");
                if (book != null && book.anchored()) {
                    double[] top = book.top();
                    checks++;
                    if (top[0] >= top[1]) {
                        crossed++;
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L); // sample every 2 ms
            }
            assertThat(checks).isPositive();
            assertThat(crossed).isZero();
            c.ws.abort();
        }
    }
}
