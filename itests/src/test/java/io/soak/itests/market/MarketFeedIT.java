package io.soak.itests.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.testdata.TestData;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.testing.SoakHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harvest and feed-emulator bundles inside the real Felix host: their factories resolve (OkHttp + Kotlin
 * and Jetty embedded privately), and the ETHUSDT recording served live by the emulator at 20x over a real
 * loopback WebSocket gives the harvest stage exactly the event sequence a max-pace replay of the same file
 * gives (same count, same hash over every field but the local receive time).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MarketFeedIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-harvest", "soak-feed-emulator")
            .awaitStages("harvest").await(Registry.FEED, "binance-ws").await(Registry.REPLAY, "capture", "synthetic")
            .await(Registry.EMULATOR, "binance").build();

    private static Path eth;

    @BeforeAll
    static void data() {
        // the full shared recordings when found, else the 30 s fixture of runtime/testdata (never a skip)
        eth = TestData.file(TestData.ETH);
        System.out.println("MarketFeedIT reads the " + TestData.describe());
    }

    private static ScenarioPlan plan(String name, Mode mode, Pace pace, Duration duration, SourceSpec source) {
        // the live run receives the recording's 2024 times (served as recorded) on today's wall clock: the
        // harvester's time bound (one day) is lifted for both runs so that they stay comparable
        return plan(name, mode, pace, duration, source, Map.of("harvest.time_bounds.max_skew_s", 1.0e9));
    }

    private static ScenarioPlan plan(String name, Mode mode, Pace pace, Duration duration, SourceSpec source,
                                     Map<String, Object> config) {
        return new ScenarioPlan(name, "<itest>", "0".repeat(64), mode, pace, 7L, duration, source, List.of("harvest"),
                List.of(), Duration.ofSeconds(10), RestartPolicy.defaults(),
                new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(), List.of(), List.of(), config, "UTC");
    }

    @Test
    void liveFromTheEmulatorAt20xEqualsReplayAtMaxPaceEventForEvent() throws Exception {
        List<String> streams = List.of("trade", "bookTicker", "depth@0ms");
        SourceSpec replay = new SourceSpec("capture", List.of("ETHUSDT"), streams, "", List.of(eth.toString()), false,
                Map.of(), Map.of(), Map.of());
        RunOutcome r = HOST.newRun(plan("market-replay", Mode.REPLAY, Pace.MAX, Duration.ofMinutes(10), replay)).run();

        SourceSpec live = new SourceSpec("binance-ws", List.of("ETHUSDT"), streams, "", List.of(eth.toString()), false,
                Map.of(), Map.of("serve", "files", "pace", "20x", "timestamps", "recorded", "stream_snapshots", true), Map.of());
        // 345 s of recording at 20x: about 17 s, plus connecting. Event for event needs one connection in recording
        // order (the legacy root) and the recording's own snapshot on the stream instead of a REST one.
        RunOutcome l = HOST.newRun(plan("market-live-20x", Mode.LIVE, new Pace(false, 1), Duration.ofSeconds(30), live,
                Map.of("source.layout", "legacy", "source.snapshot.rest", false, "harvest.time_bounds.max_skew_s", 1.0e9))).run();

        Map<String, Object> rh = harvester(r);
        Map<String, Object> lh = harvester(l);
        System.out.println("replay harvester_metrics: " + rh + "\nlive harvester_metrics: " + lh);
        assertThat(rh.get("market_events")).as("events replayed").isNotNull();
        // 74,654 stream messages in the full recording (6,658 in the fixture): nearly all become market events
        assertThat(((Number) rh.get("market_events")).longValue())
                .isGreaterThan(TestData.counts(TestData.ETH).streamMessages() * 8 / 10);
        assertThat(lh.get("market_events")).as("live events").isEqualTo(rh.get("market_events"));
        assertThat(lh.get("market_event_hash")).as("live event-sequence hash").isEqualTo(rh.get("market_event_hash"));
        assertThat(lh.get("messages_per_stream")).isEqualTo(rh.get("messages_per_stream"));
        assertThat(((Number) lh.get("parse_errors")).longValue()).isZero();
        assertThat(lh.get("reconnect_count")).isEqualTo(0L);
        assertThat(lh.get("queue_dropped")).isEqualTo(0L);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> harvester(RunOutcome o) {
        Map<String, Object> h = (Map<String, Object>) o.manifest().get("harvester_metrics");
        assertThat(h).as("harvester_metrics of %s (%s)", o.runId(), o.failures()).isNotNull();
        return h;
    }
}
