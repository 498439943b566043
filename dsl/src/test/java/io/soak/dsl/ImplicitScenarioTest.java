package io.soak.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.ScenarioPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance card's run contract (flags + environment) as a plan. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImplicitScenarioTest {

    private static final List<String> ALL = List.of("harvest,signal,broker,report");

    @Test
    void turnsTheCardsRunContractIntoALivePlanWithTheCardsCriteria() {
        ScenarioPlan p = ImplicitScenario.fromFlags(null, ALL, "dual", 60, Map.of(
                "TIMESERIES_TYPE", "prometheus", "TIMESERIES_URL", "http://127.0.0.1:9091",
                "REPORT_TZ", "Asia/Tokyo", "V13_REPLAY_MODE", "0"));

        assertThat(p.scriptFile()).isEqualTo("<flags>");
        assertThat(p.scriptHash()).hasSize(64);
        assertThat(p.mode()).isEqualTo(Mode.LIVE);
        assertThat(p.pace()).isEqualTo(Pace.REALTIME);
        assertThat(p.duration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(p.source().type()).isEqualTo("binance-ws");
        assertThat(p.source().endpoint()).isEqualTo("wss://fstream.binance.com");
        assertThat(p.source().symbols()).hasSize(6).contains("BTCUSDT", "DOGEUSDT");
        assertThat(p.stages()).containsExactly("harvest", "signal", "broker", "report");
        assertThat(p.sinks()).containsExactly("jsonl", "sqlite");
        assertThat(p.timeseries().type()).isEqualTo("prometheus");
        assertThat(p.timeseries().url()).isEqualTo("http://127.0.0.1:9091");
        assertThat(p.reportTimeZone()).isEqualTo("Asia/Tokyo");
        assertThat(p.healthInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.alerts()).hasSize(6);
        assertThat(p.faults()).containsExactly(new FaultSpec(Duration.ofMinutes(30), "kill", "signal", Duration.ZERO, Map.of()));
        assertThat(p.expectations()).extracting(Criterion::name).containsExactly("health_green_ratio", "export_count",
                "export_errors", "parity_total_diff_pct", "parity_confirm_diff_pct", "parity_strong_ratio_diff_pct",
                "queue_dropped", "substream_timeout", "reconnect_count", "max_rss_mb", "max_open_files", "shutdown_order",
                "shutdown_clean", "shutdown_residual", "signal_restarted", "signal_recovery_ms", "broker_invariants");
        assertThat(p.expectations()).filteredOn(c -> c.name().equals("export_count")).singleElement()
                .extracting(Criterion::expected).isEqualTo(60L);
    }

    @Test
    void replayModeReplaysTheCaptureFilesLooped() {
        ScenarioPlan p = ImplicitScenario.fromFlags(null, List.of("harvest", "signal"), "jsonl", 10, Map.of(
                "V13_REPLAY_MODE", "1", "SOAK_CAPTURE_FILES", "/d/btcusdt_20240808.gz, /d/ethusdt_20240808.gz"));

        assertThat(p.mode()).isEqualTo(Mode.REPLAY);
        assertThat(p.pace()).isEqualTo(Pace.MAX);
        assertThat(p.source().type()).isEqualTo("capture");
        assertThat(p.source().files()).containsExactly("/d/btcusdt_20240808.gz", "/d/ethusdt_20240808.gz");
        assertThat(p.source().symbols()).containsExactly("BTCUSDT", "ETHUSDT");
        assertThat(p.source().loop()).isTrue();
        assertThat(p.timeseries().type()).isEqualTo("file");
        assertThat(p.faults()).singleElement().extracting(FaultSpec::at).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.expectations()).extracting(Criterion::name)
                .doesNotContain("parity_total_diff_pct", "broker_invariants", "reconnect_count");
    }

    @Test
    void putsPipelineStagesInPipelineOrderAndDefaultsTheRest() {
        ScenarioPlan p = ImplicitScenario.fromFlags(null, List.of("report,signal", "harvest"), null, 1, Map.of());

        assertThat(p.stages()).containsExactly("harvest", "signal", "report");
        assertThat(p.sinks()).containsExactly("jsonl");
        assertThat(p.faults()).isEmpty();
        assertThat(ImplicitScenario.fromFlags(null, List.of(), null, 5, Map.of()).stages())
                .containsExactly("harvest", "signal", "broker", "report");
    }

    @Test
    void keepsTheInfluxTokenSecret() {
        ScenarioPlan p = ImplicitScenario.fromFlags(null, ALL, "sqlite", 60, Map.of("TIMESERIES_TYPE", "influxdb",
                "TIMESERIES_URL", "http://127.0.0.1:8428", "INFLUX_ORG", "acme", "INFLUX_BUCKET", "soak",
                "INFLUX_TOKEN", "tok-XYZ-secret"));

        assertThat(p.timeseries().secrets()).containsEntry("token", "tok-XYZ-secret");
        assertThat(p.timeseries().options()).containsEntry("org", "acme").containsEntry("bucket", "soak");
        assertThat(p.toString()).doesNotContain("tok-XYZ-secret");
        assertThat(p.redacted().toString()).doesNotContain("tok-XYZ-secret");
        ScenarioPlan other = ImplicitScenario.fromFlags(null, ALL, "sqlite", 60, Map.of("TIMESERIES_TYPE", "influxdb",
                "TIMESERIES_URL", "http://127.0.0.1:8428", "INFLUX_ORG", "acme", "INFLUX_BUCKET", "soak",
                "INFLUX_TOKEN", "another-token"));
        assertThat(other.scriptHash()).as("the hash depends on whether a token is set, never on its value")
                .isEqualTo(p.scriptHash());
    }

    @Test
    void flattensTheConfigFileIntoOverrides(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("defaults.yaml");
        Files.writeString(cfg, "signal:\n  z:\n    window: 300\n    clip: 2.5\n  enabled: true\nharvest:\n  symbols: [BTCUSDT, ETHUSDT]\n");

        ScenarioPlan p = ImplicitScenario.fromFlags(cfg, ALL, "jsonl", 60, Map.of());

        assertThat(p.config()).containsEntry("signal.z.window", 300L).containsEntry("signal.z.clip", 2.5)
                .containsEntry("signal.enabled", true).containsEntry("harvest.symbols", List.of("BTCUSDT", "ETHUSDT"));
    }

    @Test
    void reportsBadFlagsAndVariablesAsFlagsErrors(@TempDir Path dir) {
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(null, ALL, "dual", 0, Map.of()))
                .isInstanceOf(ScenarioException.class).hasMessage("(<flags>) --minutes must be > 0, got 0")
                .extracting(e -> ((ScenarioException) e).file()).isEqualTo("<flags>");
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(null, ALL, "dual", 60, Map.of("V13_REPLAY_MODE", "2")))
                .hasMessage("(<flags>) V13_REPLAY_MODE must be 0 (live) or 1 (replay), got '2'");
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(null, ALL, "dual", 60, Map.of("V13_REPLAY_MODE", "1")))
                .hasMessageStartingWith("(<flags>) V13_REPLAY_MODE=1 replays capture files: set SOAK_CAPTURE_FILES");
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(null, ALL, "dual", 60, Map.of("TIMESERIES_TYPE", "graphite")))
                .hasMessage("(<flags>) TIMESERIES_TYPE must be prometheus, influxdb, file or none, got 'graphite'");
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(null, ALL, "dual", 60, Map.of("REPORT_TZ", "Mars/Base")))
                .hasMessageContaining("REPORT_TZ must be an IANA zone");
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(dir.resolve("missing.yaml"), ALL, "dual", 60, Map.of()))
                .hasMessage("(<flags>) --config file not found: " + dir.resolve("missing.yaml"));
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(null, ALL, "du al!", 60, Map.of()))
                .hasMessage("(<flags>) --sink must be jsonl, sqlite or dual, got 'du al!'");
    }

    @Test
    void thePushgatewayGroupDeletionCanBeSetInTheFlagsForm() {
        ScenarioPlan p = ImplicitScenario.fromFlags(null, ALL, "dual", 60, Map.of("TIMESERIES_TYPE", "prometheus",
                "TIMESERIES_DELETE_ON_FINISH", "false"));
        assertThat(p.timeseries().options()).containsEntry("delete_on_finish", "false");
        assertThatThrownBy(() -> ImplicitScenario.fromFlags(null, ALL, "dual", 60, Map.of("TIMESERIES_TYPE", "prometheus",
                "TIMESERIES_DELETE_ON_FINISH", "yes")))
                .hasMessage("(<flags>) TIMESERIES_DELETE_ON_FINISH must be true or false, got 'yes'");
    }
}
