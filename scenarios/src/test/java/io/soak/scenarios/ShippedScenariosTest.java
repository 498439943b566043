package io.soak.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.Mode;
import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ScenarioLoader;
import io.soak.testdata.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Every shipped script evaluates to a sane plan with the real loader (scripts others add are checked by the
 * generic part), and the ones the product's docs promise say what they promise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShippedScenariosTest {

    private static final Path DIR = Path.of("src/main/scenarios");
    private static final List<String> PIPELINE = List.of("harvest", "signal", "broker", "report");
    /** No TIMESERIES_* or REPORT_TZ: the scripts' own defaults. */
    private static final Map<String, String> ENV = Map.of();

    private static ScenarioPlan load(String file) {
        return ScenarioLoader.load(DIR.resolve(file), ENV);
    }

    @TestFactory
    Stream<DynamicTest> everyShippedScriptEvaluatesToASanePlan() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(DIR)) {
            scripts = s.filter(p -> p.toString().endsWith(".groovy")).sorted().toList();
        }
        assertThat(scripts).extracting(p -> p.getFileName().toString())
                .contains("demo.groovy", "acceptance-60m.groovy", "live-emulator.groovy", "engine-smoke.groovy");
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            ScenarioPlan p = ScenarioLoader.load(script, ENV);
            String base = script.getFileName().toString().replace(".groovy", "");
            assertThat(p.name()).isEqualTo(base);
            assertThat(p.duration()).isPositive();
            assertThat(p.stages()).isNotEmpty().doesNotHaveDuplicates();
            assertThat(p.scriptHash()).hasSize(64);
            assertThat(p.faults()).allSatisfy(f -> assertThat(f.at()).isLessThan(p.duration()));
            assertThat(p.source().endpoint()).as("shipped scenarios never connect to Binance").isEmpty();
        }));
    }

    @Test
    void demoRunsOfflineOnTheSyntheticMarketWithBothSinksAndAKill() {
        ScenarioPlan p = load("demo.groovy");

        assertThat(p.simulated()).isTrue();
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(p.source().type()).isEqualTo("synthetic");
        assertThat(p.source().files()).isEmpty();
        assertThat(p.stages()).containsExactlyElementsOf(PIPELINE);
        assertThat(p.sinks()).containsExactly("jsonl", "sqlite");
        assertThat(p.timeseries().type()).isEqualTo("file");
        assertThat(p.faults()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("kill");
            assertThat(f.target()).isEqualTo("signal");
            assertThat(f.at()).isEqualTo(Duration.ofMinutes(30));
        });
        assertThat(p.expectations()).extracting(Criterion::path).contains("health.green_ratio",
                "status.processes.signal.max_recovery_ms", "resource_usage.max_rss_mb", "shutdown.sequence",
                "timeseries_export.export_count", "parity.exact_match", "broker.invariants_ok");
        assertThat(p.expectations()).extracting(Criterion::path).doesNotContain("harvester_metrics.reconnect_count");
    }

    @Test
    void acceptanceScenarioLoopsTheCapturesForSixSymbolsWithEveryCardCriterion() {
        ScenarioPlan p = load("acceptance-60m.groovy");

        assertThat(p.simulated()).isTrue();
        assertThat(p.source().type()).isEqualTo("capture");
        assertThat(p.source().loop()).isTrue();
        assertThat(p.source().files()).extracting(f -> Path.of(f).getFileName().toString())
                .containsExactly("btcusdt_20240808.gz", "ethusdt_20240808.gz");
        assertThat(p.source().symbols()).containsExactly("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT");
        assertThat(p.source().aliases()).containsOnlyKeys("BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT");
        assertThat(p.sinks()).containsExactly("jsonl", "sqlite");
        assertThat(p.timeseries().type()).isEqualTo("file");
        assertThat(p.faults()).singleElement().extracting(f -> f.kind() + " " + f.target() + " " + f.at())
                .isEqualTo("kill signal PT30M");
        assertThat(p.expectations()).extracting(Criterion::name).contains("health_green_ratio", "export_count",
                "export_errors", "parity_total_diff_pct", "parity_confirm_diff_pct", "parity_strong_ratio_diff_pct",
                "queue_dropped", "substream_timeout", "max_rss_mb", "max_open_files",
                "shutdown_order", "shutdown_clean", "signal_restarted", "signal_recovery_ms", "broker_invariants");
        assertThat(p.expectations()).as("a replay has no WebSocket, so no reconnect_count in the manifest")
                .extracting(Criterion::name).doesNotContain("reconnect_count");
    }

    @Test
    void acceptanceScenarioTakesTheTimeSeriesTargetFromTheEnvironment() {
        ScenarioPlan p = ScenarioLoader.load(DIR.resolve("acceptance-60m.groovy"), Map.of("TIMESERIES_TYPE", "influxdb",
                "TIMESERIES_URL", "http://127.0.0.1:8428", "INFLUX_ORG", "o", "INFLUX_BUCKET", "b", "INFLUX_TOKEN", "t0k"));

        assertThat(p.timeseries().type()).isEqualTo("influxdb");
        assertThat(p.timeseries().url()).isEqualTo("http://127.0.0.1:8428");
        assertThat(p.timeseries().options()).containsEntry("org", "o").containsEntry("bucket", "b");
        assertThat(p.redacted().timeseries().secrets()).containsEntry("token", "***");
    }

    @Test
    void sharedCapturesResolveAgainstTheDataDirectory() {
        // the full shared recordings when found, else the fixture of runtime/testdata (same file names): data(...)
        // of the scenario resolves against soak.shared.data to existing files either way (never a skip)
        String old = System.getProperty(TestData.PROPERTY);
        Path root = TestData.useForScenarios();
        try {
            ScenarioPlan p = load("acceptance-60m.groovy");
            assertThat(p.source().files()).hasSize(2).allSatisfy(f -> {
                assertThat(Path.of(f)).isRegularFile();
                assertThat(Path.of(f)).startsWith(root);
            });
        } finally {
            if (old == null) {
                System.clearProperty(TestData.PROPERTY);
            } else {
                System.setProperty(TestData.PROPERTY, old);
            }
        }
    }

    @Test
    void liveEmulatorScenarioServesTheCapturesOnLoopbackAtRealTime() {
        ScenarioPlan p = load("live-emulator.groovy");

        assertThat(p.mode()).isEqualTo(Mode.LIVE);
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(3));
        assertThat(p.source().usesEmulator()).isTrue();
        assertThat(p.source().endpoint()).isEmpty();
        assertThat(p.source().emulator()).containsEntry("serve", "files").containsEntry("pace", "1x");
        assertThat(p.source().symbols()).containsExactly("BTCUSDT", "ETHUSDT");
        assertThat(p.expectations()).extracting(Criterion::path).contains("harvester_metrics.queue_dropped",
                "harvester_metrics.substream_timeout_detected", "harvester_metrics.reconnect_count");
    }

    @Test
    void engineSmokeUsesTheCounterFeedAndTestStages() {
        ScenarioPlan p = load("engine-smoke.groovy");

        assertThat(p.source().type()).isEqualTo("counter");
        assertThat(p.stages()).containsExactly("pass1", "pass2", "pass3", "pass4", "count");
        assertThat(p.sinks()).isEmpty();
        assertThat(p.alerts()).noneMatch(io.soak.api.plan.AlertRuleSpec::enabled);
        assertThat(p.timeseries().type()).isEqualTo("none");
        assertThat(p.faults()).singleElement().extracting(f -> f.kind() + " " + f.target()).isEqualTo("kill pass2");
    }
}
