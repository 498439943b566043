package io.soak.itests.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Criterion;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End-to-end latency in the real host (issue 16): a LIVE run against the feed emulator on 127.0.0.1 through
 * harvest → signal → broker → report into the real JSONL and SQLite sinks. Every committed decision has its
 * total (receive → committed in both sinks) and every hop is recorded (market event handled by signal,
 * decision published, committed per sink); the latency criterion is evaluated over it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LiveLatencyIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder()
            .bundles("soak-harvest", "soak-feed-emulator", "soak-signal", "soak-broker", "soak-report",
                    "soak-sink-jsonl", "soak-sink-sqlite")
            .awaitStages("harvest", "signal", "broker", "report").await("sink", "jsonl", "sqlite")
            .await(Registry.FEED, "binance-ws").await(Registry.EMULATOR, "binance").build();

    @Test
    @SuppressWarnings("unchecked")
    void everyCommittedDecisionHasItsReceiveToCommittedLatencyPerHopAndTotal() {
        Path dir = io.soak.testdata.TestData.dir();
        SourceSpec live = new SourceSpec("binance-ws", List.of("BTCUSDT", "ETHUSDT"),
                List.of("trade", "bookTicker", "depth@0ms"), "",
                List.of(dir.resolve("btcusdt_20240808.gz").toAbsolutePath().toString(),
                        dir.resolve("ethusdt_20240808.gz").toAbsolutePath().toString()),
                true, Map.of(), Map.of("serve", "files", "pace", "3x"), Map.of());
        // generous bound: the criterion is evaluated, whatever the load of the machine it passes
        List<Criterion> expect = List.of(new Criterion("latency_p99_ms", "latency.total.p99_ms", "<", 60_000L, "p99"));
        ScenarioPlan plan = new ScenarioPlan("live-latency", "<itest>", "0".repeat(64), Mode.LIVE, new Pace(false, 1), 7L,
                Duration.ofSeconds(30), live, List.of("harvest", "signal", "broker", "report"), List.of("jsonl", "sqlite"),
                Duration.ofSeconds(5), RestartPolicy.defaults(), new TimeseriesSpec("none", "", false, Map.of(), Map.of()),
                List.of(), List.of(), expect, Map.of(), "UTC");
        RunOutcome o = HOST.newRun(plan).run();
        Map<String, Object> m = o.manifest();
        Map<String, Object> lat = (Map<String, Object>) m.get("latency");
        System.out.println("live-latency: " + lat);
        assertThat(lat).containsEntry("mode", "live");
        Map<String, Object> topics = (Map<String, Object>) ((Map<String, Object>) m.get("bus")).get("topics");
        long decisions = ((Number) ((Map<String, Object>) topics.get("decision")).get("published")).longValue();
        assertThat(decisions).as("decisions published in %s", o.runId()).isPositive();
        Map<String, Object> total = (Map<String, Object>) lat.get("total");
        assertThat(((Number) total.get("count")).longValue()).isEqualTo(decisions);
        Map<String, Object> hops = (Map<String, Object>) lat.get("hops");
        assertThat((Map<String, Object>) hops.get("receive_to_handled")).containsKeys("harvest", "signal", "broker", "report");
        assertThat((Map<String, Object>) hops.get("published_to_committed")).containsKeys("jsonl", "sqlite");
        for (String sink : List.of("jsonl", "sqlite")) {
            Map<String, Object> c = (Map<String, Object>) ((Map<String, Object>) hops.get("receive_to_committed")).get(sink);
            assertThat(((Number) c.get("count")).longValue()).as(sink).isEqualTo(decisions);
            assertThat(((Number) c.get("max_ms")).doubleValue()).as(sink)
                    .isLessThanOrEqualTo(((Number) total.get("max_ms")).doubleValue() * 1.02 + 0.01);
        }
        assertThat(((List<Map<String, Object>>) ((Map<String, Object>) m.get("verdict")).get("criteria")))
                .anySatisfy(c -> assertThat(c).containsEntry("name", "latency_p99_ms").containsEntry("passed", true));
    }
}
