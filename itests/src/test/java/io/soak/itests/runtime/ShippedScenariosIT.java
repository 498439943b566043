package io.soak.itests.runtime;

import static io.soak.testing.fakes.ManifestTree.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.launcher.Launcher;
import io.soak.testing.SoakHost;
import io.soak.testdata.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped scenarios a user runs first, through {@code soak run} on the built bundles exactly as shipped:
 * the README demo (synthetic market, offline) and the acceptance card (the shared recordings looped to a
 * 60-minute, 6-symbol session). Each runs 60 minutes of virtual time in CI, passes every criterion, and
 * {@code soak verify} recomputes the same evidence from the artifacts alone.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ShippedScenariosIT {

    private static final Path SCENARIOS = Path.of("..", "scenarios", "src", "main", "scenarios");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int soak(String... args) {
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        return new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), args);
    }


    @SuppressWarnings("unchecked")
    private Map<String, Object> runPassingAndVerify(String scenario, String runId) throws Exception {
        Path runs = dir.resolve("runs");
        int code = soak("run", SCENARIOS.resolve(scenario).toString(), "--runs-dir", runs.toString(), "--run-id", runId);
        assertThat(code).as(out + "\n" + err).isZero();
        Path runDir = runs.resolve(runId);
        int verified = soak("verify", runDir.toString());
        assertThat(verified).as(out + "\n" + err).isZero();
        for (String report : List.of("soak_report.md", "fault_injection_report.md", "timeseries_export_report.md",
                "alert_verification_report.md", "summary_jsonl.json", "summary_sqlite.json")) {
            assertThat(runDir.resolve("reports").resolve(report)).isRegularFile();
        }
        return new ObjectMapper().readValue(Files.readString(runDir.resolve("run_manifest.json")), Map.class);
    }

    @Test
    void demoPassesEveryCriterionOffline() throws Exception {
        Map<String, Object> m = runPassingAndVerify("demo.groovy", "demo");
        assertThat(at(m, "health.ticks")).isEqualTo(360);
        assertThat(at(m, "status.processes.signal.restart_count")).isEqualTo(1);
        assertThat(at(m, "parity.exact_match")).isEqualTo(true);
        assertThat(((Number) at(m, "timeseries_export.export_count")).intValue()).isGreaterThanOrEqualTo(60);
        assertThat(at(m, "shutdown.sequence")).isEqualTo(List.of("report", "broker", "signal", "harvest"));
    }

    @Test
    void acceptanceCardPassesOnTheRecordingsLoopedToSixtyMinutes() throws Exception {
        // the full shared recordings when found, else the 30 s fixture of runtime/testdata looped to 60 minutes
        // (same file names: the scenario's data('binance-usdm/...') resolves to whichever): never a skip
        TestData.useForScenarios();
        System.out.println("acceptance-60m runs on the " + TestData.describe());
        Map<String, Object> m = runPassingAndVerify("acceptance-60m.groovy", "acceptance");
        assertThat(at(m, "health.ticks")).isEqualTo(360);
        // 6 symbols (2 recorded, 4 aliases) for 60 minutes: ~5.3 M raw messages on the full recordings, ~5.0 M on
        // the fixture (its 30 s pass is a little less busy)
        assertThat(((Number) at(m, "bus.topics.raw.published")).longValue())
                .isGreaterThan(TestData.full() ? 5_000_000L : 4_500_000L);
        assertThat(at(m, "harvester_metrics.queue_dropped")).isEqualTo(0);
        assertThat(at(m, "harvester_metrics.book_resyncs")).isEqualTo(0);
        // books true at every loop seam (issue 11 item 4): a seam snapshot per symbol and pass, every pass ended
        // synced, no crossed or locked book, no order refused for one
        assertThat(((Number) at(m, "harvester_metrics.book_seams")).longValue()).isGreaterThanOrEqualTo(6 * 9);
        assertThat(at(m, "harvester_metrics.book_passes_synced")).isEqualTo(at(m, "harvester_metrics.book_seams"));
        assertThat(at(m, "harvester_metrics.book_crossed")).isEqualTo(0);
        assertThat(at(m, "harvester_metrics.book_locked")).isEqualTo(0);
        assertThat(at(m, "status.processes.broker.metrics.rejected_crossed_book")).isEqualTo(0);
        assertThat(((Number) at(m, "status.processes.signal.max_recovery_ms")).longValue()).isLessThanOrEqualTo(12_000);
        assertThat(at(m, "parity.exact_match")).isEqualTo(true);
        assertThat(at(m, "broker.invariants_ok")).isEqualTo(true);
        // issue #14: on the calibrated signal the strong share is a tail with real minute-to-minute spread, so
        // strong_ratio_collapse does not ride on noise over the looped recordings (it fired on 7-13 % dips of
        // an 81 % strong share before); the alert drill shows it still fires and resolves on a real collapse
        @SuppressWarnings("unchecked")
        List<String> fired = (List<String>) at(m, "alerts.fired_rules");
        System.out.println("acceptance-60m alerts fired: " + fired);
        assertThat(fired).as("alerts fired over the 60 looped minutes").doesNotContain("strong_ratio_collapse");
    }
}
