package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.plan.SourceSpec;
import io.soak.api.stage.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * URL credentials in the configured endpoints (a proxy's {@code wss://user:password@host}) never reach the facts the
 * manifest is written from (endpoint, REST endpoint, each connection's URL), while the stream names with their
 * {@code @} stay readable. Before, the URLs were published as configured.
 */
class EndpointSecretsTest {

    @TempDir
    Path runDir;

    @Test
    void credentialsOfTheEndpointsAreMaskedInThePublishedFacts() throws Exception {
        try (WallTime time = new WallTime(); KeepAliveTest.SilentServer server = new KeepAliveTest.SilentServer()) {
            String port = server.endpoint().substring(server.endpoint().lastIndexOf(':') + 1);
            SourceSpec spec = new SourceSpec("binance-ws", List.of("BTCUSDT"), List.of("trade", "depth@100ms"),
                    "ws://feeduser:hunter2@127.0.0.1:" + port, List.of(), false, Map.of(), Map.of(), Map.of());
            Settings settings = new Settings(Map.of("rest_url", "http://restuser:s3cret@127.0.0.1:" + port));
            TestMetrics metrics = new TestMetrics();
            BinanceWsSource source = new BinanceWsSource();
            source.start(new FeedOverSocketTest.Ctx(spec, settings, time, metrics, m -> true, runDir));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> server.handshakes.get() >= 2);
            } finally {
                source.stop();
            }
            String facts = metrics.facts.toString();
            assertThat(facts).doesNotContain("hunter2").doesNotContain("s3cret").doesNotContain("feeduser")
                    .contains("ws://***@127.0.0.1:" + port + "/public/stream?streams=btcusdt@depth@100ms")
                    .contains("ws://***@127.0.0.1:" + port + "/market/stream?streams=btcusdt@trade")
                    .contains("http://***@127.0.0.1:" + port);
        }
    }

    @Test
    void shownMasksOnlyTheUserInfoOfTheAuthority() {
        assertThat(BinanceEndpoints.shown("wss://u:p@fstream.binance.com/public/stream?streams=btcusdt@depth@100ms"))
                .isEqualTo("wss://***@fstream.binance.com/public/stream?streams=btcusdt@depth@100ms");
        assertThat(BinanceEndpoints.shown("ws://127.0.0.1:9443/public/ws/btcusdt@depth@100ms"))
                .isEqualTo("ws://127.0.0.1:9443/public/ws/btcusdt@depth@100ms");
        assertThat(BinanceEndpoints.shown("https://key@fapi.example.com")).isEqualTo("https://***@fapi.example.com");
    }
}
