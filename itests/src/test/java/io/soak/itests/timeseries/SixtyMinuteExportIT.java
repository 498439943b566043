package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.export.TimeseriesExtension;
import io.soak.testing.SoakHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance's time-series item through the whole runtime: a 60-minute scenario (seeded synthetic market,
 * harvest → signal → broker → report) replayed at max pace, exporting every closed minute to the real
 * Pushgateway: export_count ≥ 60 and error_count == 0 in the manifest, checked by the run's own verdict, and
 * the run's group in the Pushgateway holds the final push.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SixtyMinuteExportIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder()
            .bundles("soak-feed-emulator", "soak-harvest", "soak-signal", "soak-broker", "soak-report",
                    "soak-exporter-pushgateway")
            .awaitStages("harvest", "signal", "broker", "report").build();

    private static String pushgateway;

    @BeforeAll
    static void services() throws Exception {
        pushgateway = Services.load().require("SOAK_PUSHGATEWAY_URL", "/-/ready");
        HOST.awaitFactories(Map.of(Registry.EXPORTER, Set.of("prometheus"), Registry.REPLAY, Set.of("synthetic")),
                Duration.ofSeconds(30));
    }

    @Test
    void sixtyMinutesAtMaxPaceExportEveryMinuteWithoutErrors() throws Exception {
        ScenarioPlan plan = new ScenarioPlan("timeseries-60m", "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 42L,
                Duration.ofMinutes(60),
                new SourceSpec("synthetic", List.of("BTCUSDT", "ETHUSDT"), List.of(), "", List.of(), false, Map.of(),
                        Map.of(), Map.of()),
                List.of("harvest", "signal", "broker", "report"), List.of(), Duration.ofSeconds(10),
                RestartPolicy.defaults(), new TimeseriesSpec("prometheus", pushgateway, true, Map.of(), Map.of()),
                io.soak.alerts.AlertRules.standardSpecs(Settings.empty()), List.of(),
                List.of(new Criterion("exports", "timeseries_export.export_count", ">=", 60, "one export per minute"),
                        new Criterion("export_errors", "timeseries_export.error_count", "==", 0, "no failed export")),
                Map.of(), "UTC");
        String runId = "it-60m-" + System.nanoTime();
        TimeseriesExtension ext = new TimeseriesExtension(plan, Settings.empty());
        RunOutcome outcome = HOST.newRun(plan, Settings.empty(), runId, List.of(ext)).run();
        assertThat(outcome.exitCode()).as("%s", outcome.failures()).isZero();

        @SuppressWarnings("unchecked")
        Map<String, Object> export = (Map<String, Object>) outcome.manifest().get("timeseries_export");
        System.out.printf("timeseries-60m: exports=%s errors=%s latency_ms=%s%n", export.get("export_count"),
                export.get("error_count"), export.get("latency_ms"));
        assertThat(((Number) export.get("export_count")).longValue()).isGreaterThanOrEqualTo(60);
        assertThat(((Number) export.get("error_count")).longValue()).isZero();
        assertThat(outcome.manifest()).containsKey("alerts");

        String body = Services.getBody(pushgateway + "/metrics");
        String closed = body.lines().filter(l -> l.startsWith("soak_minutes_closed_total{") && l.contains(runId))
                .findFirst().orElseThrow(() -> new AssertionError("no soak_minutes_closed_total of " + runId));
        assertThat(Double.parseDouble(closed.substring(closed.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(59);
        assertThat(body.lines().filter(l -> l.startsWith("soak_run_finished{") && l.contains(runId)).findFirst())
                .hasValueSatisfying(l -> assertThat(l).endsWith(" 1"));
    }
}
