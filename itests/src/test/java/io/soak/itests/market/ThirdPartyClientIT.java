package io.soak.itests.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedEmulator;
import io.soak.engine.Registry;
import io.soak.testing.SoakHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A widely used third-party Binance client, the npm package {@code binance} (installed by this test from the npm
 * registry with {@code npm install --prefix target/npm}), pointed at the feed emulator by its base URLs only
 * ({@code wsUrl}, {@code baseUrl}): its own routing opens {@code /market/stream} and {@code /public/stream},
 * subscribes with live {@code SUBSCRIBE} requests, receives trades and {@code depth@100ms} diffs (derived by the
 * emulator from the recorded {@code @0ms} stream), and builds a local order book from the REST snapshot and the
 * diffs by Binance's procedure, never crossed over three loop passes of the BTCUSDT recording.
 * Before this the SDK failed its handshake with HTTP 404. Needs node and npm: skipped with a message outside CI
 * when they are missing, failed in CI ({@code CI=true}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ThirdPartyClientIT {

    static final String PACKAGE = "binance@3.6.5";

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-feed-emulator").await(Registry.EMULATOR, "binance").build();

    private static Path btc;
    private static Path prefix;

    @BeforeAll
    static void setUp() throws Exception {
        // the full shared recordings when found, else the fixture of runtime/testdata: never skipped
        Path dir = io.soak.testdata.TestData.dir();
        btc = dir.resolve("btcusdt_20240808.gz").toAbsolutePath();
        prefix = Path.of(System.getProperty("soak.npm.dir", "target/npm")).toAbsolutePath();
        if (!Files.isRegularFile(prefix.resolve("node_modules/binance/package.json"))) {
            Files.createDirectories(prefix);
            Run install = run(List.of("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                    "--ignore-scripts", PACKAGE), 280);
            if (install.code != 0) {
                unavailable("npm install " + PACKAGE + " failed (exit " + install.code + "): " + tail(install.out));
            }
        }
    }

    /** Node or the package is missing: a failure in CI, a skip with the reason elsewhere. */
    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("third-party client test cannot run in CI: " + why);
        }
        Assumptions.abort("third-party client test skipped: " + why);
    }

    record Run(int code, String out) {
    }

    static Run run(List<String> cmd, long timeoutS) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            unavailable(cmd.get(0) + " not found (" + e.getMessage() + ")");
            return new Run(-1, "");
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, new String(out, StandardCharsets.UTF_8));
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBinanceSdkSubscribesAndKeepsALocalBookFromRestAndDiffsNeverCrossedOverThreeLoopPasses() throws Exception {
        Path script = prefix.resolve("binance-local-book.js");
        try (var in = ThirdPartyClientIT.class.getResourceAsStream("/thirdparty/binance-local-book.js")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        // 345 s of recording at 40x: ~9 s a pass; the client listens 33 s, through three passes and two seams
        SourceSpec spec = new SourceSpec("binance-ws", List.of("BTCUSDT"), List.of(), "", List.of(btc.toString()), true,
                Map.of(), Map.of("serve", "files", "pace", "40x", "start_on_connect", true), Map.of());
        FeedEmulator emulator = HOST.registry().emulator("binance").orElseThrow().start(spec, 7);
        Run r;
        Map<String, Object> served;
        try {
            String ws = emulator.endpoint();
            String rest = ws.replaceFirst("^ws:", "http:");
            r = run(List.of("node", script.toString(), prefix.toString(), ws, rest, "BTCUSDT", "33", "depth@100ms"), 120);
            served = emulator.describe();
        } finally {
            emulator.close();
        }
        System.out.println("node client output:\n" + tail(r.out) + "\nemulator: " + served);
        assertThat(r.code).as("node exit, output: %s", tail(r.out)).isZero();
        String line = r.out.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).orElse(null);
        assertThat(line).as("the client's RESULT line in: %s", tail(r.out)).isNotNull();
        JsonNode res = new ObjectMapper().readTree(line.substring(7));
        assertThat(res.get("trades").asLong()).as("trades received: into the third pass (21,313 a pass)").isGreaterThan(2 * 21_313);
        assertThat(res.get("diffs").asLong()).as("diff updates received").isGreaterThan(2_000);
        assertThat(res.get("snapshots").asLong()).as("REST snapshots").isGreaterThanOrEqualTo(1);
        assertThat(res.get("applied").asLong()).isGreaterThan(2_000);
        assertThat(res.get("crossed").asLong()).as("crossed books: %s", res.get("crossedSamples")).isZero();
        assertThat(res.get("state").asText()).isEqualTo("synced");
        // Across the loop seams the diff chain continues (pu = previous u, the emulator's bridging diff): a client
        // following Binance's procedure never resyncs. (Before, every seam broke the chain once: the first diff of a
        // pass carried a pu one above the last u of the pass before.)
        assertThat(res.get("resyncs").asLong()).as("resyncs across %d loop seams", res.get("trades").asLong() / 21_313)
                .isZero();
        assertThat(res.get("responses").asLong()).as("SUBSCRIBE replies").isGreaterThanOrEqualTo(2);
        assertThat(res.get("errorReplies").asLong()).isZero();
        assertThat(res.get("bestBid").asDouble()).isLessThan(res.get("bestAsk").asDouble());
        Map<String, Object> source = (Map<String, Object>) served.get("source");
        assertThat(((Number) source.get("loops")).intValue()).as("loop passes served").isGreaterThanOrEqualTo(2);
        Map<String, Long> routes = new java.util.TreeMap<>();
        ((Map<String, Object>) served.get("messages_per_stream")).forEach((k, v) -> routes.put(k, ((Number) v).longValue()));
        assertThat(routes).containsKeys("btcusdt@trade", "btcusdt@depth@100ms");
        assertThat(((Map<String, Object>) served.get("rest_requests"))).containsKey("/fapi/v1/depth");
    }
}
