package io.soak.itests.runtime;

import static io.soak.testing.fakes.ManifestTree.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.run.RunDirectory;
import io.soak.dsl.ScenarioLoader;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import io.soak.testing.SoakHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, case 3: a soak stopped before its planned duration (SIGTERM, the shell's stop) is INCOMPLETE, exit 1,
 * with the reason and the time reached, and its evidence is still written. Through the real host, stopped from
 * outside the way {@code SignalGuard} stops it on SIGTERM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IncompleteRunIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-test-stages").awaitStages("pass", "count").build();

    @TempDir
    Path dir;

    @Test
    void runStoppedBeforeItsPlannedDurationIsIncompleteWithTheReasonAndTheTimeReached() throws Exception {
        Path script = dir.resolve("stopped.groovy");
        Files.writeString(script, """
                soak {
                  name 'stopped'
                  mode 'replay'
                  pace '1x'
                  duration 3.minutes
                  source { type 'counter'; symbols 'BTCUSDT'; set 'rate', 200 }
                  stages 'pass', 'count'
                  sink 'none'
                  timeseries { type 'none' }
                  alerts { none() }
                  expect { metric 'status.processes.count.handled', '>', 0 }
                }
                """);
        ScenarioPlan plan = ScenarioLoader.load(script);
        SoakRun run = HOST.newRun(plan);
        CompletableFuture<RunOutcome> done = CompletableFuture.supplyAsync(run::run);
        await().atMost(Duration.ofSeconds(60)).until(() -> run.status().stages().stream().anyMatch(s -> s.handled() > 0));
        run.requestStop("SIGTERM");
        RunOutcome outcome = done.get(60, TimeUnit.SECONDS);

        assertThat(outcome.exitCode()).as("%s", outcome.failures()).isEqualTo(1);
        assertThat(outcome.failures().get(0)).startsWith("INCOMPLETE: the run stopped at ")
                .contains(" s of 180.0 s planned (end reason: SIGTERM)");
        Map<String, Object> m = outcome.manifest();
        assertThat(at(m, "verdict.status")).isEqualTo("INCOMPLETE");
        assertThat(at(m, "verdict.passed")).isEqualTo(false);
        assertThat(at(m, "baseline.completion.complete")).isEqualTo(false);
        assertThat(at(m, "baseline.completion.end_reason")).isEqualTo("SIGTERM");
        assertThat(((Number) at(m, "baseline.completion.reached_s")).doubleValue()).isLessThan(180.0);
        // the evidence is still written
        assertThat(outcome.runDirectory().resolve(RunDirectory.MANIFEST)).isRegularFile();
        assertThat(at(m, "ended_at")).isNotNull();
    }

}
