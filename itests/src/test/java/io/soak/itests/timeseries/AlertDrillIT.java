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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped alert drill (scenarios/alert-drill.groovy) through the whole runtime at max pace: the synthetic
 * market's {@code phases} (silent, disagreement, weak) make no_signals, low_consistency and
 * strong_ratio_collapse each fire and resolve, in the minutes the phases put them in, nothing else fires, and the
 * scenario's own expect block says so (exit code 0).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AlertDrillIT {

    /** 2024-08-09T00:00:00Z, the synthetic market's default start: minute m of the run ends at START + m + 1. */
    private static final Instant START = Instant.parse("2024-08-09T00:00:00Z");

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder()
            .bundles("soak-feed-emulator", "soak-harvest", "soak-signal", "soak-broker", "soak-report",
                    "soak-sink-jsonl", "soak-exporter-file")
            .awaitStages("harvest", "signal", "broker", "report").build();

    @Test
    @SuppressWarnings("unchecked")
    void noSignalsLowConsistencyAndStrongRatioCollapseEachFireAndResolve() throws Exception {
        Path script = Path.of("../scenarios/src/main/scenarios/alert-drill.groovy");
        assertThat(script).as("the shipped alert drill").isRegularFile();
        ScenarioPlan plan = ScenarioLoader.load(script, Map.of());
        HOST.awaitFactories(Map.of(Registry.REPLAY, Set.of("synthetic"), Registry.EXPORTER, Set.of("file"),
                Registry.SINK, Set.of("jsonl")), Duration.ofSeconds(30));
        ReplayFeedFactory synthetic = HOST.registry().replay("synthetic").orElseThrow();
        try (ReplayFeed feed = synthetic.open(plan.source(), plan.seed())) {
            assertThat((List<String>) feed.describe().get("phases")).as("the drill's phases reach the synthetic market")
                    .contains("3m silent", "2m disagreement", "1m weak");
        }
        TimeseriesExtension ext = new TimeseriesExtension(plan, Settings.empty());
        RunOutcome outcome = HOST.newRun(plan, Settings.empty(), "it-alert-drill-" + System.nanoTime(), List.of(ext)).run();

        Map<String, Object> alerts = (Map<String, Object>) outcome.manifest().get("alerts");
        List<Map<String, Object>> transitions = (List<Map<String, Object>>) alerts.get("transitions");
        transitions.forEach(t -> System.out.printf("alert-drill: %s %s %s -> %s value=%s%n", t.get("at"), t.get("rule"),
                t.get("from"), t.get("state"), t.get("value")));
        assertThat(outcome.exitCode()).as("%s", outcome.failures()).isZero();
        assertThat((List<String>) alerts.get("fired_rules"))
                .containsExactlyInAnyOrder("no_signals", "low_consistency", "strong_ratio_collapse");
        assertThat((List<String>) alerts.get("resolved_rules"))
                .containsExactlyInAnyOrder("no_signals", "low_consistency", "strong_ratio_collapse");

        // silent 14-17 m: total == 0 in minutes 14 and 15 -> firing at the end of minute 15 (for: 2m) or 16;
        // resolved by the first minute with trades again (17)
        assertTransition(transitions, "no_signals", "firing", 16, 17);
        assertTransition(transitions, "no_signals", "resolved", 18, 18);
        // disagreement 22-24 m: firing at the end of minute 22, resolved once the normal market is back (24 or 25)
        assertTransition(transitions, "low_consistency", "firing", 23, 23);
        assertTransition(transitions, "low_consistency", "resolved", 24, 26);
        // strong_ratio_collapse (calibrated z, issue #14): the disagreement leaves no strong decision (firing at the
        // end of minute 22, resolved with the normal market, 24-26), and the weak minute 32 (firing at the end
        // of minute 32, resolved with the normal market of minute 33 or 34)
        assertTransitions(transitions, "strong_ratio_collapse", "firing", new int[][] {{23, 23}, {33, 33}});
        assertTransitions(transitions, "strong_ratio_collapse", "resolved", new int[][] {{24, 26}, {34, 35}});
    }

    /** Exactly one transition of {@code rule} to {@code state} per window of minute ends (inclusive), in order. */
    private static void assertTransitions(List<Map<String, Object>> transitions, String rule, String state,
                                          int[][] windows) {
        List<Instant> at = transitions.stream().filter(t -> rule.equals(t.get("rule")) && state.equals(t.get("state")))
                .map(t -> Instant.parse(t.get("at").toString())).toList();
        assertThat(at).as("%s %s", rule, state).hasSize(windows.length);
        for (int i = 0; i < windows.length; i++) {
            assertThat(at.get(i)).as("%s %s #%d", rule, state, i + 1).isBetween(
                    START.plus(Duration.ofMinutes(windows[i][0])), START.plus(Duration.ofMinutes(windows[i][1])));
        }
    }

    /** Exactly one transition of {@code rule} to {@code state}, at a minute end between the two (inclusive). */
    private static void assertTransition(List<Map<String, Object>> transitions, String rule, String state, int fromMinute,
                                         int toMinute) {
        List<Instant> at = transitions.stream().filter(t -> rule.equals(t.get("rule")) && state.equals(t.get("state")))
                .map(t -> Instant.parse(t.get("at").toString())).toList();
        assertThat(at).as("%s %s", rule, state).hasSize(1);
        assertThat(at.get(0)).as("%s %s", rule, state)
                .isBetween(START.plus(Duration.ofMinutes(fromMinute)), START.plus(Duration.ofMinutes(toMinute)));
    }
}
