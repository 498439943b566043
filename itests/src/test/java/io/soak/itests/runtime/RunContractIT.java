package io.soak.itests.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.launcher.Launcher;
import io.soak.testdata.TestData;
import io.soak.testing.SoakHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance card's run contract, {@code soak run --config --enable --sink --minutes} with its environment
 * variables, through the real launcher and bundles, replaying the recorded Binance captures at max pace.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RunContractIT {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void runContractFlagsAndEnvironmentBecomeThePlanAndTheExitCodeFollowsTheVerdict() throws Exception {
        // the full shared recordings when found, else the 30 s fixture of runtime/testdata (never a skip)
        Path btc = TestData.file(TestData.BTC);
        Path eth = TestData.file(TestData.ETH);
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        Map<String, String> env = Map.of("V13_REPLAY_MODE", "1", "REPORT_TZ", "Asia/Tokyo",
                "SOAK_CAPTURE_FILES", btc + "," + eth, "TIMESERIES_TYPE", "file");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = new Launcher(home, env, false).execute(new PrintWriter(out), new PrintWriter(err),
                "run", "--config", Path.of("../config/defaults.yaml").toString(),
                "--enable", "harvest,signal,broker,report", "--sink", "dual", "--minutes", "2",
                "--runs-dir", dir.resolve("runs").toString(), "--run-id", "contract");

        Path manifestFile = dir.resolve("runs/contract/run_manifest.json");
        assertThat(manifestFile).as("%s\n%s", out, err).isRegularFile();
        Map<String, Object> m = new ObjectMapper().readValue(manifestFile.toFile(), Map.class);
        assertThat(m.get("mode")).isEqualTo("replay");
        assertThat(CounterPlans.list(m, "plan.stages")).containsExactly("harvest", "signal", "broker", "report");
        assertThat(CounterPlans.list(m, "plan.sinks")).containsExactly("jsonl", "sqlite");
        assertThat(CounterPlans.at(m, "plan.report_time_zone")).isEqualTo("Asia/Tokyo");
        assertThat(((Map<String, Object>) CounterPlans.at(m, "plan.config")).get("signal.z.window"))
                .as("config/defaults.yaml reached the run").isNotNull();
        List<Object> criteria = CounterPlans.list(m, "verdict.criteria");
        assertThat(criteria).isNotEmpty();
        boolean passed = Boolean.TRUE.equals(CounterPlans.at(m, "verdict.passed"));
        assertThat(code).as("%s\n%s", out, err).isEqualTo(passed ? 0 : 1);
        assertThat(out.toString()).contains(passed ? "PASS run contract" : "FAIL run contract");
    }
}
