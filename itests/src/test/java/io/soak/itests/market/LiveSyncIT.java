package io.soak.itests.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.testing.SoakHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A LIVE run in the real host with the production endpoint layout pointed at the feed emulator: the source opens
 * {@code /public} (bookTicker, depth) and {@code /market} (trades), syncs every diff book through the REST
 * snapshot ({@code GET /fapi/v1/depth}), and keeps them synced across a {@code feed-drop} (both connections
 * lost, re-established, books re-anchored) and a {@code feed-gap} (a {@code pu} break, resync counted with its
 * reason). Before this, the harvester connected to the retired legacy root and a live diff book never synced.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LiveSyncIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-harvest", "soak-feed-emulator")
            .awaitStages("harvest").await(Registry.FEED, "binance-ws").await(Registry.EMULATOR, "binance").build();

    private static Path btc;
    private static Path eth;

    @BeforeAll
    static void data() {
        // the full shared recordings when found, else the fixture of runtime/testdata: never skipped
        Path dir = io.soak.testdata.TestData.dir();
        btc = dir.resolve("btcusdt_20240808.gz").toAbsolutePath();
        eth = dir.resolve("ethusdt_20240808.gz").toAbsolutePath();
    }

    @Test
    @SuppressWarnings("unchecked")
    void splitLayoutSyncsEveryDiffBookThroughRestAndKeepsItSyncedAcrossADropAndAGap() throws Exception {
        // looped: the 30 s fixture (a clone without ../shared) lasts 10 s at 3x, so without the loop no diff came after
        // the drop at 12 s and no book could be re-anchored (2 snapshots); the emulator's pu chain runs on across the
        // seams, so a seam is no resync (the full recordings, 345 s, never reach one in this 40 s run)
        SourceSpec live = new SourceSpec("binance-ws", List.of("BTCUSDT", "ETHUSDT"), List.of("trade", "bookTicker", "depth@0ms"),
                "", List.of(btc.toString(), eth.toString()), true, Map.of(), Map.of("serve", "files", "pace", "3x"), Map.of());
        List<FaultSpec> faults = List.of(
                new FaultSpec(Duration.ofSeconds(12), "feed-drop", "", Duration.ofSeconds(2), Map.of()),
                new FaultSpec(Duration.ofSeconds(26), "feed-gap", "btcusdt@depth@0ms", Duration.ZERO, Map.of("count", 3)));
        ScenarioPlan plan = new ScenarioPlan("live-sync", "<itest>", "0".repeat(64), Mode.LIVE, new Pace(false, 1), 7L,
                Duration.ofSeconds(40), live, List.of("harvest"), List.of(), Duration.ofSeconds(5), RestartPolicy.defaults(),
                new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(), faults, List.of(), Map.of(), "UTC");
        RunOutcome o = HOST.newRun(plan).run();
        Map<String, Object> h = (Map<String, Object>) o.manifest().get("harvester_metrics");
        assertThat(h).as("harvester_metrics of %s (%s)", o.runId(), o.failures()).isNotNull();
        System.out.println("live-sync harvester_metrics: " + h);

        Map<String, Map<String, Object>> conns = (Map<String, Map<String, Object>>) h.get("connections");
        assertThat(conns).containsOnlyKeys("public", "market");
        assertThat(conns.get("public").get("url").toString()).contains("/public/stream?streams=")
                .contains("btcusdt@depth@0ms").doesNotContain("@trade");
        assertThat(conns.get("market").get("url").toString()).contains("/market/stream?streams=btcusdt@trade/ethusdt@trade");
        for (String c : List.of("public", "market")) {
            assertThat(((Number) conns.get(c).get("opens")).longValue()).as("%s opened, then again after the drop", c)
                    .isGreaterThanOrEqualTo(2);
            assertThat(conns.get(c).get("connected_ever")).isEqualTo(true);
        }
        assertThat(h.get("feed_connected_ever")).isEqualTo(true);
        // every book synced at the end, from REST snapshots: the first ones, after the drop, after the gap
        Map<String, Map<String, Object>> books = (Map<String, Map<String, Object>>) h.get("books");
        assertThat(books).containsKeys("BTCUSDT", "ETHUSDT");
        books.forEach((sym, b) -> assertThat(b.get("state")).as("book of %s", sym).isEqualTo("synced"));
        assertThat(((Number) h.get("depth_snapshots_injected")).longValue()).isGreaterThanOrEqualTo(5);
        // "a live book reaches synced within seconds of connecting": the first snapshot injected, from the source's start
        Map<String, Map<String, Object>> sync = (Map<String, Map<String, Object>>) h.get("depth_sync");
        for (String sym : List.of("BTCUSDT", "ETHUSDT")) {
            assertThat(((Number) sync.get(sym).get("first_snapshot_after_ms")).longValue()).as("first snapshot of %s", sym)
                    .isBetween(1L, 10_000L);
        }
        Map<String, Object> reasons = (Map<String, Object>) h.get("depth_resync_reasons");
        assertThat(reasons).containsKey("pu_gap");
        assertThat(((Number) h.get("book_resyncs")).longValue()).as("the gap (and the drop) counted as resyncs").isPositive();
        assertThat(((Number) h.get("parse_errors")).longValue()).isZero();
        assertThat(((Number) h.get("queue_dropped")).longValue()).isZero();
    }
}
