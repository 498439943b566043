package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LauncherTest {

    @TempDir
    Path home;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int soak(String... args) {
        return new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void versionPrintsRuntimeJavaAndFelixVersions() {
        assertThat(soak("version")).isZero();
        assertThat(out.toString()).contains("soak ").contains("java 17").contains("felix 7.0.5");
    }

    @Test
    void everySubcommandPrintsItsHelpAndExitsZero() {
        for (String sub : java.util.List.of("run", "validate", "version", "bundles", "verify", "feed", "bench")) {
            StringWriter o = new StringWriter();
            int code = new Launcher(home, Map.of(), false).execute(new PrintWriter(o), new PrintWriter(err), sub, "--help");
            assertThat(code).as(sub).isZero();
            assertThat(o.toString()).as(sub).startsWith("Usage: soak " + sub);
        }
    }

    @Test
    void unknownOptionIsOneLineAndExitsTwo() {
        assertThat(soak("run", "--minuts", "5")).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1).first().asString().startsWith("soak: ").contains("--minuts");
    }

    @Test
    void malformedNumberIsOneLineAndExitsTwo() {
        assertThat(soak("run", "--minutes", "sixty")).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void runWithoutScenarioOrFlagsExitsTwo() {
        assertThat(soak("run")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("soak: missing scenario").doesNotContain("\n");
    }

    @Test
    void runWithScriptAndFlagsTogetherExitsTwo() {
        assertThat(soak("run", "x.groovy", "--minutes", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("not both");
    }

    @Test
    void runOfMissingScriptExitsTwo() {
        assertThat(soak("run", "nowhere.groovy")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("soak: scenario not found: nowhere.groovy");
    }

    @Test
    void badRunIdExitsTwo() {
        assertThat(soak("run", "--minutes", "1", "--run-id", "../escape")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("soak: --run-id must be").doesNotContain("\n");
    }

    @Test
    void validateOfMissingFileExitsTwo() {
        assertThat(soak("validate", "nowhere.groovy")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("soak: scenario not found: nowhere.groovy");
    }

    @Test
    void validateOfAnInvalidScenarioPrintsItsFileAndLineAndExitsTwo() throws Exception {
        Path bad = home.resolve("bad.groovy");
        java.nio.file.Files.writeString(bad, "soak {\n  name 'bad'\n  duration 0.minutes\n}\n");
        assertThat(soak("validate", bad.toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("(bad.groovy, line 3) ").doesNotContain("\n");
    }

    @Test
    void runOfAnInvalidScenarioExitsTwoBeforeStartingAnything() throws Exception {
        Path bad = home.resolve("bad.groovy");
        java.nio.file.Files.writeString(bad, "soak {\n  name 'bad'\n  durtion 5.minutes\n}\n");
        assertThat(soak("run", bad.toString(), "--runs-dir", home.resolve("runs").toString())).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("(bad.groovy, line 3) ").doesNotContain("\n");
        assertThat(home.resolve("runs")).doesNotExist();
    }

    @Test
    void validateOfAValidScenarioSummarisesThePlan() throws Exception {
        Path ok = home.resolve("ok.groovy");
        java.nio.file.Files.writeString(ok, """
                soak {
                  name 'ok'
                  mode 'replay'
                  pace 'max'
                  duration 2.minutes
                  source { type 'counter'; symbols 'BTCUSDT' }
                  stages 'pass1', 'count'
                  sink 'none'
                  timeseries { type 'none' }
                  faults { at 60.seconds, kill: 'pass1' }
                }
                """);
        assertThat(soak("validate", ok.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("scenario ok").contains("valid").contains("pass1 -> count")
                .contains("duration 2 min").contains("faults 1");
    }

    @Test
    void bareSoakPrintsUsageAndExitsTwo() {
        assertThat(soak()).isEqualTo(2);
        assertThat(err.toString()).contains("run").contains("validate").contains("version");
    }

    @Test
    void verboseShowsTheCauseChain() {
        assertThat(soak("--verbose", "run", "--config", home.resolve("missing.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("soak: config file not found");
        assertThat(err.toString().lines().count()).isGreaterThan(1);
    }
}
