package io.soak.itests.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.launcher.Launcher;
import io.soak.testing.SoakHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 items 8-12 and issue 9's declared configuration through the real {@code soak} command line against the
 * built bundles: scripts that would end or hang the process, script failures, plan checks, secrets, unknown
 * configuration keys and kinds. Each is exit 2 with one line on stderr and no stack trace, and no run directory.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileScenarioIT {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private String previousTimeout;

    @BeforeEach
    void shortTimeLimit() {
        previousTimeout = System.getProperty("soak.dsl.timeout_s");
        System.setProperty("soak.dsl.timeout_s", "2");
    }

    @AfterEach
    void restore() {
        if (previousTimeout == null) {
            System.clearProperty("soak.dsl.timeout_s");
        } else {
            System.setProperty("soak.dsl.timeout_s", previousTimeout);
        }
    }

    private int soak(Map<String, String> env, String... args) {
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        return new Launcher(home, env, false).execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    private Path script(String name, String body) throws Exception {
        Path f = dir.resolve(name + ".groovy");
        Files.writeString(f, body);
        return f;
    }

    private String oneErrorLine() {
        String e = err.toString().strip();
        assertThat(e).as("one line, no stack trace: %s", e).doesNotContain("\n").doesNotContain("\tat ")
                .doesNotContain("java.lang.").doesNotContain("groovy.lang.");
        return e;
    }

    private static final String COUNTER = """
            soak {
              mode 'replay'
              duration 1.minutes
              source { type 'counter'; symbols 'BTCUSDT'; set 'rate', 50 }
              stages 'pass', 'count'
              sink 'none'
              timeseries { type 'none' }
              alerts { none() }
            %s
            }
            """;

    @Test
    void systemExitInAScriptIsRefusedAtCompileTimeAndTheRunNeverStarts() throws Exception {
        Path s = script("exit", "soak {\n  mode 'replay'\n  System.exit(0)\n}\n");
        int code = soak(Map.of(), "run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "x");
        assertThat(code).as(out + "\n" + err).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("(exit.groovy, line 3) System.exit is not allowed");
        assertThat(dir.resolve("runs/x")).doesNotExist();
    }

    @Test
    void runtimeHaltInValidateIsRefusedWithItsLine() throws Exception {
        Path s = script("halt", "def x = 1\nsoak {\n  Runtime.getRuntime().halt(0)\n}\n");
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("(halt.groovy, line 3) Runtime.getRuntime() is not allowed");
    }

    @Test
    void anEndlessLoopStopsAtTheTimeLimitNamingItAndTheLine() throws Exception {
        Path s = script("loop", "soak {\n  duration 1.minutes\n  while (true) {\n  }\n}\n");
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("(loop.groovy, line 3) the script took longer than 2s, the time limit");
    }

    @Test
    void anAssertIsExitTwoNotTheCriterionFailedCode() throws Exception {
        Path s = script("assert", String.format(COUNTER, "  assert env('NOPE') != null"));
        int code = soak(Map.of(), "run", s.toString(), "--runs-dir", dir.resolve("runs").toString());
        assertThat(code).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("(assert.groovy, line 9) assertion failed: assert env('NOPE') != null");
    }

    @Test
    void aCheckedExceptionIsExitTwoWithFileAndLine() throws Exception {
        Path s = script("checked", String.format(COUNTER, "  throw new java.io.IOException('no disk')"));
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).isEqualTo("(checked.groovy, line 9) the script threw exception IOException: no disk");
    }

    @Test
    void aSyntaxErrorIsReportedAtItsLineNotAtTheSoakLine() throws Exception {
        Path s = script("syntax", "soak {\n  duration 1.minutes\n  stages 'pass',, 'count'\n  sink 'none'\n}\n");
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("(syntax.groovy, line 3) does not compile");
    }

    @Test
    void validateRefusesAKillOfAStageThePlanDoesNotRun() throws Exception {
        Path s = script("target", String.format(COUNTER, "  faults { at 10.seconds, kill: 'signal' }"));
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).isEqualTo(
                "(target.groovy, line 9) soak.faults.at 10s kill 'signal' is not a stage of this plan; stages: pass, count");
    }

    @Test
    void validateRefusesAnOverflowingDuration() throws Exception {
        Path s = script("overflow", "soak {\n  duration 9999999999.hours\n}\n");
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("(overflow.groovy, line 2) soak.duration must be at most 8784h");
    }

    @Test
    void aPasswordInAnInvalidUrlIsNeverPrinted() throws Exception {
        Path s = script("secret", "soak {\n  timeseries { type 'prometheus'; url 'http://admin:p@ss/w0rd@127.0.0.1:99999' }\n}\n");
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("(secret.groovy, line 2) soak.timeseries.url").doesNotContain("p@ss")
                .doesNotContain("w0rd").contains("***");
    }

    @Test
    void aPasswordInTimeseriesUrlIsNeverPrinted() {
        int code = soak(Map.of("TIMESERIES_TYPE", "prometheus", "TIMESERIES_URL", "http://admin:p@ss/w0rd@127.0.0.1:bad",
                "SOAK_X", "1"), "run", "--enable", "harvest", "--sink", "jsonl", "--minutes", "1",
                "--runs-dir", dir.resolve("runs").toString());
        assertThat(code).isEqualTo(2);
        assertThat(oneErrorLine()).contains("TIMESERIES_URL").doesNotContain("p@ss").doesNotContain("w0rd");
    }

    @Test
    void aConfigFileKeyThatNothingReadsIsRefusedWithItsLineAndTheClosestKey() throws Exception {
        Path cfg = dir.resolve("defaults.yaml");
        Files.writeString(cfg, "signal:\n  z:\n    window: 300\nsinks:\n  default: dual\n");
        int code = soak(Map.of(), "run", "--config", cfg.toString(), "--enable", "harvest", "--sink", "jsonl",
                "--minutes", "1", "--runs-dir", dir.resolve("runs").toString());
        assertThat(code).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("soak: (" + cfg + ", line 5) unknown key 'sinks.default' (no installed component reads it)");
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    @Test
    void aMisspeltConfigKeyInAScriptIsRefusedWithTheClosestKey() throws Exception {
        Path s = script("key", String.format(COUNTER, "  config { set 'signal.z.windw', 300 }"));
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).isEqualTo("(key.groovy, line 9) soak.config.set: unknown key 'signal.z.windw' "
                + "(no installed component reads it); did you mean 'signal.z.window'?");
    }

    @Test
    void aWrongTypeForADeclaredKeyIsRefused() throws Exception {
        Path s = script("type", String.format(COUNTER, "  config { set 'sqlite.batch_rows', 'many' }"));
        assertThat(soak(Map.of(), "validate", s.toString())).isEqualTo(2);
        assertThat(oneErrorLine()).isEqualTo("(type.groovy, line 9) soak.config.set: 'sqlite.batch_rows' must be an integer, got 'many'");
    }

    @Test
    void theShippedDefaultsDeclareEveryKeyTheyHold() throws Exception {
        Path s = script("ok", String.format(COUNTER, ""));
        assertThat(soak(Map.of(), "validate", s.toString(), "--config", Path.of("../config/defaults.yaml").toString()))
                .as(out + "\n" + err).isZero();
    }

    @Test
    void aMisspeltSinkKindIsRefusedListingTheInstalledSinks() throws Exception {
        Path s = script("sink", String.format(COUNTER, "  sinks 'jsonll'").replace("  sink 'none'\n", ""));
        int code = soak(Map.of(), "run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--bundle-timeout", "600");
        assertThat(code).as(out + "\n" + err).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("soak: unknown sink kind 'jsonll'; installed: ").contains("jsonl, sqlite");
    }

    @Test
    void aMisspeltStageKindIsRefusedListingTheInstalledStages() throws Exception {
        Path s = script("stage", String.format(COUNTER, "").replace("stages 'pass', 'count'", "stages 'pass', 'signall'"));
        int code = soak(Map.of(), "run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--bundle-timeout", "600");
        assertThat(code).as(out + "\n" + err).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("soak: unknown stage kind 'signall'; installed: ").contains("signal");
    }

    @Test
    void aSinkFlagNoBundleProvidesIsRefusedListingTheInstalledSinks() {
        int code = soak(Map.of(), "run", "--enable", "harvest", "--sink", "both", "--minutes", "1",
                "--runs-dir", dir.resolve("runs").toString(), "--bundle-timeout", "600");
        assertThat(code).isEqualTo(2);
        assertThat(oneErrorLine()).startsWith("soak: unknown sink kind 'both'; installed: jsonl, sqlite")
                .doesNotContain("missing after");
    }
}
