package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.engine.Registry;
import io.soak.testing.SoakHost;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The InfluxDB exporter bundle (influxdb-client-java embedded, through Felix): its writes land in
 * VictoriaMetrics (which speaks the v2 write API) with the labels as tags and the values and times we sent;
 * against InfluxDB 1.6.7, whose v2 write path answers 404, every export is a counted error and the run goes on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InfluxExportIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-exporter-influxdb").build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Services services;

    @TempDir
    Path dir;

    @BeforeAll
    static void host() throws Exception {
        services = Services.load();
        HOST.awaitFactories(Map.of(Registry.EXPORTER, Set.of("influxdb")), Duration.ofSeconds(30));
    }

    private MinuteRun run(String runId, String url) throws Exception {
        MinuteRun run = new MinuteRun(runId, new TimeseriesSpec("influxdb", url, false,
                Map.of("org", "soak", "bucket", "soak"), Map.of("token", "it-token-never-logged")), HOST.registry(), dir);
        run.start();
        return run;
    }

    @Test
    void exportsLandInVictoriaMetricsWithTagsValuesAndEngineTimes() throws Exception {
        String vm = services.require("SOAK_VICTORIAMETRICS_URL", "/health");
        String runId = "it-influx-" + System.nanoTime();
        MinuteRun run = run(runId, vm);
        assertThat(run.section("timeseries_export")).extractingByKey("preflight").asString().contains("reachable=true");
        run.close(120, 40, 8, 0.25);
        run.close(130, 50, 5, 0.30);
        run.finish();
        assertThat(run.section("timeseries_export")).containsEntry("export_count", 3L).containsEntry("error_count", 0L);

        String match = URLEncoder.encode("{__name__=~\"soak_.*\",run_id=\"" + runId + "\"}", StandardCharsets.UTF_8);
        List<JsonNode> series = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            Services.getBody(vm + "/internal/force_flush");
            series.clear();
            for (String line : Services.getBody(vm + "/api/v1/export?match[]=" + match).split("\n")) {
                if (!line.isBlank()) {
                    series.add(JSON.readTree(line));
                }
            }
            assertThat(find(series, "soak_signals_total_value", "all")).isNotNull();
        });
        JsonNode signals = find(series, "soak_signals_total_value", "all");
        assertThat(signals.path("metric").path("sink").asText()).isEqualTo("jsonl");
        List<Double> values = new ArrayList<>();
        signals.path("values").forEach(v -> values.add(v.asDouble()));
        List<Long> times = new ArrayList<>();
        signals.path("timestamps").forEach(t -> times.add(t.asLong()));
        assertThat(values).containsExactly(40.0, 90.0, 90.0);
        assertThat(times.get(0)).isEqualTo(MinuteRun.T0 + 62_000L);
        assertThat(times.get(1)).isEqualTo(MinuteRun.T0 + 122_000L);
        JsonNode gating = series.stream().filter(s -> s.path("metric").path("__name__").asText().equals("soak_gating_total_value")
                && s.path("metric").path("reason").asText().equals("spread_bps>20.0")
                && s.path("metric").path("symbol").asText().equals("BTCUSDT")).findFirst().orElseThrow();
        assertThat(gating.path("values").get(1).asDouble()).isEqualTo(2.0);
        JsonNode ratio = find(series, "soak_strong_ratio_value", "BTCUSDT");
        assertThat(ratio.path("values").get(0).asDouble()).isEqualTo(0.2);
    }

    private static JsonNode find(List<JsonNode> series, String name, String symbol) {
        return series.stream().filter(s -> s.path("metric").path("__name__").asText().equals(name)
                && s.path("metric").path("symbol").asText().equals(symbol)).findFirst().orElse(null);
    }

    @Test
    void influxdbOneAnswers404ToV2WritesEveryExportIsACountedErrorAndTheRunGoesOn() throws Exception {
        String influx1 = services.require("SOAK_INFLUXDB1_URL", null);
        assertThat(Services.status(influx1 + "/ping")).isEqualTo(204);
        MinuteRun run = run("it-influx1-" + System.nanoTime(), influx1);
        assertThat(run.section("timeseries_export").get("preflight").toString())
                .as("/health is not there in 1.6.7, /ping is").contains("reachable=true").contains("GET /ping -> 204");
        for (int i = 0; i < 4; i++) {
            run.close(100, 30, 3, 0.1);
        }
        run.finish();
        Map<String, Object> s = run.section("timeseries_export");
        assertThat(s).containsEntry("export_count", 0L).containsEntry("error_count", 5L)
                .containsEntry("consecutive_failures", 5);
        assertThat((String) s.get("last_error")).contains("404");
        assertThat(s.toString()).doesNotContain("it-token-never-logged");
        // the alert engine saw the failures: 3 in a row before the 4th minute's evaluation
        assertThat(run.section("alerts").get("fired_rules")).isEqualTo(List.of("export_failing"));
        assertThat(run.minute).isEqualTo(4);
    }
}
