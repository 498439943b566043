package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.ReplayFeedFactory;
import io.soak.api.stage.Settings;
import io.soak.dsl.ScenarioLoader;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.export.TimeseriesExtension;
import io.soak.testing.SoakHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped alert drill (scenarios/alert-drill.groovy) through the whole runtime at max pace: no_signals,
 * low_consistency and strong_ratio_collapse each fire and resolve, and the scenario's own expect block says so
 * (exit code 0). Skips, saying why, while the synthetic market has no {@code phases} setting.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AlertDrillIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder()
            .bundles("soak-feed-emulator", "soak-harvest", "soak-signal", "soak-broker", "soak-report",
                    "soak-sink-jsonl", "soak-exporter-file")
            .awaitStages("harvest", "signal", "broker", "report").build();

    @Test
    void noSignalsLowConsistencyAndStrongRatioCollapseEachFireAndResolve() throws Exception {
        Path script = Path.of("../scenarios/src/main/scenarios/alert-drill.groovy");
        Assumptions.assumeTrue(Files.isRegularFile(script), "no " + script.toAbsolutePath());
        ScenarioPlan plan = ScenarioLoader.load(script, Map.of());
        HOST.awaitFactories(Map.of(Registry.REPLAY, Set.of("synthetic"), Registry.EXPORTER, Set.of("file"),
                Registry.SINK, Set.of("jsonl")), Duration.ofSeconds(30));
        ReplayFeedFactory synthetic = HOST.registry().replay("synthetic").orElseThrow();
        try (ReplayFeed feed = synthetic.open(plan.source(), plan.seed())) {
            Assumptions.assumeTrue(feed.describe().containsKey("phases"), "the synthetic market (bundles/feed-emulator) "
                    + "does not know the source setting 'phases' yet (docs/timeseries-and-alerts.md, Alert drill): skipping");
        }
        TimeseriesExtension ext = new TimeseriesExtension(plan, Settings.empty());
        RunOutcome outcome = HOST.newRun(plan, Settings.empty(), "it-alert-drill-" + System.nanoTime(), List.of(ext)).run();

        @SuppressWarnings("unchecked")
        Map<String, Object> alerts = (Map<String, Object>) outcome.manifest().get("alerts");
        System.out.printf("alert-drill: transitions %s%n", alerts.get("transitions"));
        assertThat(outcome.exitCode()).as("%s", outcome.failures()).isZero();
        assertThat((List<String>) alerts.get("fired_rules")).contains("no_signals", "low_consistency", "strong_ratio_collapse");
        assertThat((List<String>) alerts.get("resolved_rules")).contains("no_signals", "low_consistency", "strong_ratio_collapse");
    }
}
