package io.soak.itests.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.engine.Registry;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.testing.SoakHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seeded synthetic market (replay type {@code synthetic}) through the real runtime at max pace: harvest →
 * signal → broker for 20 minutes of market time. The demo relies on it giving a non-degenerate mix: some
 * confirmed and some strong decisions (not all), and more than one regime.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SyntheticMarketIT {

    private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-harvest", "soak-feed-emulator", "soak-signal", "soak-broker")
            .awaitStages("harvest", "signal", "broker").await(Registry.REPLAY, "synthetic").build();

    /** The signal stage's per-symbol counters at the end of the run. */
    static final class Tally implements RunExtension {
        final Map<String, Long> all = new TreeMap<>();

        @Override
        public String name() {
            return "synthetic-tally";
        }

        @Override
        public void afterRun(RunContext run, Map<String, Object> manifest) {
            StageMetrics sm = run.metrics("signal");
            for (String s : SYMBOLS) {
                all.merge("decisions", sm.counter("symbol_decisions." + s), Long::sum);
                all.merge("confirmed", sm.counter("symbol_confirmed." + s), Long::sum);
                all.merge("strong", sm.counter("symbol_strong." + s), Long::sum);
                for (String r : List.of("quiet", "normal", "active")) {
                    all.merge("regime " + r, sm.counter("symbol_regime." + s + ":" + r), Long::sum);
                }
            }
        }
    }

    @Test
    void syntheticMarketGivesConfirmedAndStrongDecisionsInSeveralRegimes() throws Exception {
        SourceSpec source = new SourceSpec("synthetic", SYMBOLS, List.of("trade", "bookTicker", "depth5@100ms"), "",
                List.of(), false, Map.of(), Map.of(), Map.of());
        ScenarioPlan plan = new ScenarioPlan("synthetic-demo", "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 7L,
                Duration.ofMinutes(20), source, List.of("harvest", "signal", "broker"), List.of(), Duration.ofSeconds(10),
                RestartPolicy.defaults(), new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(), List.of(),
                List.of(), Map.of(), "UTC");
        Tally tally = new Tally();
        RunOutcome o = HOST.newRun(plan, Settings.empty(), null, List.of(tally)).run();
        System.out.println("synthetic market through signal: " + tally.all + "\nharvester: "
                + o.manifest().get("harvester_metrics") + "\nbroker: " + o.manifest().get("broker"));
        assertThat(o.exitCode()).as("%s", o.failures()).isNotEqualTo(3);
        assertThat(tally.all.get("decisions")).isPositive();
        assertThat(tally.all.get("confirmed")).as("some confirmed").isPositive().isLessThan(tally.all.get("decisions"));
        assertThat(tally.all.get("strong")).as("some strong, not all").isPositive().isLessThan(tally.all.get("confirmed"));
        long regimes = List.of("quiet", "normal", "active").stream().filter(r -> tally.all.get("regime " + r) > 0).count();
        assertThat(regimes).as("regimes seen").isGreaterThan(1);
    }
}
