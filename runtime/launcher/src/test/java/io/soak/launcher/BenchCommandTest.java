package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ScenarioLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code soak bench} that need no host: the derived plans and the one-line user errors. */
@Timeout(60)
class BenchCommandTest {

    private static final String SCRIPT = """
            soak {
              name 'b'
              mode 'replay'
              pace 'max'
              duration 60.minutes
              source { type 'counter'; symbols 'BTCUSDT' }
              stages 'harvest', 'signal', 'broker', 'report'
              sink 'dual'
              timeseries { type 'file' }
              alerts { standard() }
              faults { at 30.minutes, kill: 'signal' }
              expect { cleanShutdown() }
            }
            """;

    @TempDir
    Path home;

    @Test
    void ceilingPlanKeepsSourceAndHarvestSignalButDropsSinksExporterAlertsFaultsAndCriteria() {
        ScenarioPlan full = ScenarioLoader.load(SCRIPT, "b.groovy", Map.of());

        ScenarioPlan ceiling = BenchCommand.ceilingPlan(full);

        assertThat(ceiling.stages()).containsExactly("harvest", "signal");
        assertThat(ceiling.sinks()).isEmpty();
        assertThat(ceiling.timeseries().type()).isEqualTo("none");
        assertThat(ceiling.alerts()).isEmpty();
        assertThat(ceiling.faults()).isEmpty();
        assertThat(ceiling.expectations()).isEmpty();
        assertThat(ceiling.source()).isEqualTo(full.source());
        assertThat(ceiling.duration()).isEqualTo(full.duration());
        assertThat(ceiling.pace()).isEqualTo(full.pace());
    }

    @Test
    void readerOptionSetsTheReadAheadKeyOnTheWholePlanAndRefusesOtherWords() throws Exception {
        ScenarioPlan full = ScenarioLoader.load(SCRIPT, "b.groovy", Map.of());

        ScenarioPlan seq = BenchCommand.withConfig(full, "engine.replay.read_ahead", false);

        assertThat(seq.config()).containsEntry("engine.replay.read_ahead", false);
        assertThat(BenchCommand.ceilingPlan(seq).config()).as("the ceiling reads as the end-to-end run does")
                .containsEntry("engine.replay.read_ahead", false);
        assertThat(seq.stages()).isEqualTo(full.stages());
        assertThat(BenchCommand.readers("both")).containsExactly(false, true);
        assertThat(BenchCommand.readers(null)).containsExactly((Boolean) null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchCommand.readers("fast"))
                .hasMessageContaining("--reader must be parallel, sequential or both");
        assertThat(ThreadCpu.group("soak-stage-signal-2")).isEqualTo("soak-stage-signal");
        assertThat(ThreadCpu.group("soak-replay-reader")).isEqualTo("soak-replay-reader");
    }

    @Test
    void warmupPlanIsTheSamePipelineShortenedWithoutFaultsOrCriteria() {
        ScenarioPlan full = ScenarioLoader.load(SCRIPT, "b.groovy", Map.of());

        ScenarioPlan warm = BenchCommand.withDuration(full, Duration.ofMinutes(5), "-warmup");

        assertThat(warm.name()).isEqualTo("b-warmup");
        assertThat(warm.duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(warm.stages()).isEqualTo(full.stages());
        assertThat(warm.sinks()).isEqualTo(full.sinks());
        assertThat(warm.faults()).isEmpty();
        assertThat(warm.expectations()).isEmpty();
    }

    @Test
    void missingRecordedDataIsOneLineAndExitsTwo() throws Exception {
        Path script = home.resolve("capture.groovy");
        Files.writeString(script, """
                soak {
                  name 'capture'
                  mode 'replay'
                  pace 'max'
                  duration 1.minutes
                  source { type 'capture'; files '%s'; symbols 'BTCUSDT' }
                  stages 'harvest'
                  sink 'none'
                }
                """.formatted(home.resolve("absent.gz").toString().replace("\\", "/")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = new Launcher(home, Map.of(), false).execute(new PrintWriter(out), new PrintWriter(err),
                "bench", "--scenario", script.toString(), "--runs-dir", home.resolve("runs").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1).first().asString().contains("recorded data not found");
    }

    @Test
    void vmHwmIsReadOnLinux() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")),
                "no /proc/self/status (not Linux): VmHWM is not available");
        assertThat(BenchCommand.vmHwmKb()).isPositive();
    }
}
