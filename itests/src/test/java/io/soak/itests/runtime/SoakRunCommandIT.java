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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soak run} in-process against the built bundles (the dist layout under {@code soak.test.home}): the exit
 * codes a user and CI rely on, and what is printed with them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SoakRunCommandIT {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int soak(String... args) {
        Path home = Path.of(System.getProperty(SoakHost.HOME_PROPERTY, "target/soak-home"));
        return new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    private Path scenario(String name, String stages, String expect) throws Exception {
        Path file = dir.resolve(name + ".groovy");
        Files.writeString(file, """
                soak {
                  name '%s'
                  mode 'replay'
                  pace 'max'
                  duration 1.minutes
                  source { type 'counter'; symbols 'BTCUSDT'; set 'rate', 500 }
                  stages %s
                  sink 'none'
                  timeseries { type 'none' }
                  alerts { none() }
                  expect {
                %s
                  }
                }
                """.formatted(name, stages, expect));
        return file;
    }

    @Test
    void passingRunExitsZeroAndWritesItsManifest() throws Exception {
        Path s = scenario("passing", "'pass', 'count'", "    metric 'status.processes.count.handled', '>', 0");
        int code = soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "ok-1");
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("PASS run ok-1: 1 criteria met");
        assertThat(dir.resolve("runs/ok-1/run_manifest.json")).isRegularFile();
        assertThat(dir.resolve("runs/ok-1/logs/soak.log")).isRegularFile();
    }

    @Test
    void aRunRecordsWhereItsStartWentUpToTheFirstEvent() throws Exception {
        Path s = scenario("startup", "'pass', 'count'", "    metric 'status.processes.count.handled', '>', 0");
        // as bin/soak starts a run that writes the class-data archive (DIST.md, "bin/soak"): the run marks it
        // worth keeping once it handled its first event
        int code = runWritingClassDataArchive(dir.resolve("soak-1-2.4242.part"), s, "start-1");
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(dir.resolve("soak-1-2.4242.part.ok")).isRegularFile();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(dir.resolve("runs/start-1/run_manifest.json").toFile(), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> startup = (Map<String, Object>) m.get("startup");
        assertThat(startup).as("manifest startup section").isNotNull()
                .containsKeys("command_at_ms", "config_loaded_at_ms", "scenario_classes", "scenario_compile_ms",
                        "scenario_eval_ms", "scenario_loaded_at_ms", "host_start_ms", "host_started_at_ms",
                        "run_started_at_ms", "first_event_ms", "first_event_cpu_ms", "class_data_archive");
        assertThat(startup.get("class_data_archive")).isEqualTo("none"); // started without bin/soak
        long first = ((Number) startup.get("first_event_ms")).longValue();
        assertThat(first).isGreaterThanOrEqualTo(((Number) startup.get("run_started_at_ms")).longValue())
                .isGreaterThanOrEqualTo(((Number) startup.get("host_started_at_ms")).longValue())
                .isGreaterThanOrEqualTo(((Number) startup.get("scenario_loaded_at_ms")).longValue());
        assertThat(startup.get("scenario_classes")).isIn("compiled", "memory"); // no disk cache in-process
        assertThat(out.toString()).containsPattern("startup \\.+ first event \\d+ ms after the JVM started")
                .contains("class-data archive none");
    }

    @Test
    void aRunThatFailsBeforeItsFirstEventDoesNotMarkTheClassDataArchiveItWrites() throws Exception {
        Path s = Files.writeString(dir.resolve("bad.groovy"), "soak { name 'bad'; duration 1.minutes; nonsense 1 }\n");
        int code = runWritingClassDataArchive(dir.resolve("soak-1-2.4343.part"), s, "bad-1");
        assertThat(code).as(out + "\n" + err).isEqualTo(2);
        assertThat(dir.resolve("soak-1-2.4343.part.ok")).doesNotExist();
    }

    /** {@code soak run} as bin/soak starts the run that writes the class-data archive {@code part} as it exits. */
    private int runWritingClassDataArchive(Path part, Path scenario, String runId) throws Exception {
        System.setProperty("soak.cds.part", part.toString());
        try {
            return soak("run", scenario.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", runId);
        } finally {
            System.clearProperty("soak.cds.part");
        }
    }

    @Test
    void failedCriterionExitsOneAndSaysWhichWithTheObservedValue() throws Exception {
        Path s = scenario("failing", "'pass', 'count'", "    metric 'status.processes.count.handled', '>', 100000000");
        int code = soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--run-id", "fail-1");
        assertThat(code).as(out + "\n" + err).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL run fail-1: 1 of 1 criteria failed")
                .contains("status.processes.count.handled").contains("30000");
    }

    @Test
    void unknownStageKindExitsTwoListingTheInstalledKindsWithoutWaitingForTheBundleTimeout() throws Exception {
        Path s = scenario("missing", "'pass1', 'nosuch'", "");
        // a 600 s bundle timeout: the answer comes from the settled host, not from the timeout (the test's own
        // limit is 120 s, and the message names no timeout)
        int code = soak("run", s.toString(), "--runs-dir", dir.resolve("runs").toString(), "--bundle-timeout", "600");
        assertThat(code).as(out + "\n" + err).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("soak: unknown stage kind 'nosuch'; installed: ")
                .contains("count", "pass1").doesNotContain("missing after").doesNotContain("\n");
    }
}
