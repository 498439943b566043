package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.engine.Registry;
import io.soak.testing.SoakHost;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The InfluxDB exporter bundle (through Felix) against VictoriaMetrics and InfluxDB 1.6.7: the preflight names the
 * server and its write API, the writes land, and the manifest's read-back counts equal what a query of the server
 * returns; points the server drops (VictoriaMetrics' small_timestamp, a 1.x field type conflict) are errors with
 * the server's reason, never exports. Issue 12 cases 1 and 2.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InfluxExportIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-exporter-influxdb").build();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The minute of the recordings in shared/data (2024): older than VictoriaMetrics' 1-day retention here. */
    private static final long RECORDING_T0 = Instant.parse("2024-08-09T00:00:00Z").toEpochMilli();
    private static Services services;

    @TempDir
    Path dir;

    @BeforeAll
    static void host() throws Exception {
        services = Services.load();
        HOST.awaitFactories(Map.of(Registry.EXPORTER, Set.of("influxdb")), Duration.ofSeconds(30));
    }

    private MinuteRun run(String runId, String url, Map<String, String> options, Mode mode, Pace pace, long t0)
            throws Exception {
        Map<String, String> o = new TreeMap<>(Map.of("org", "soak", "bucket", "soak"));
        o.putAll(options);
        MinuteRun run = new MinuteRun(runId, new TimeseriesSpec("influxdb", url, false, o,
                Map.of("token", "it-token-never-logged")), HOST.registry(), dir, Settings.empty(), mode, pace, t0);
        run.start();
        return run;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readBack(MinuteRun run) {
        return (Map<String, Object>) run.section("timeseries_export").get("read_back");
    }

    /** Every point of the run in VictoriaMetrics: series name → (timestamps, values). */
    private static List<JsonNode> vmSeries(String vm, String runId) throws Exception {
        Services.getBody(vm + "/internal/force_flush");
        String match = URLEncoder.encode("{run_id=\"" + runId + "\"}", StandardCharsets.UTF_8);
        List<JsonNode> series = new ArrayList<>();
        for (String line : Services.getBody(vm + "/api/v1/export?match[]=" + match).split("\n")) {
            if (!line.isBlank()) {
                series.add(JSON.readTree(line));
            }
        }
        return series;
    }

    private static long points(List<JsonNode> series) {
        return series.stream().mapToLong(s -> s.path("timestamps").size()).sum();
    }

    private static JsonNode find(List<JsonNode> series, String name, String symbol) {
        return series.stream().filter(s -> s.path("metric").path("__name__").asText().equals(name)
                && (symbol == null || s.path("metric").path("symbol").asText().equals(symbol))).findFirst().orElse(null);
    }

    @Test
    void liveExportsLandInVictoriaMetricsAndTheReadBackEqualsAQueryOfTheServer() throws Exception {
        String vm = services.require("SOAK_VICTORIAMETRICS_URL", "/health");
        String runId = "it-influx-" + System.nanoTime();
        MinuteRun run = run(runId, vm, Map.of(), Mode.LIVE, Pace.REALTIME, MinuteRun.T0);
        assertThat(run.section("timeseries_export").get("preflight").toString()).contains("reachable=true")
                .contains("VictoriaMetrics");
        run.close(120, 40, 8, 0.25);
        run.close(130, 50, 5, 0.30);
        run.finish();
        Map<String, Object> s = run.section("timeseries_export");
        assertThat(s).containsEntry("export_count", 3L).containsEntry("sent_count", 3L).containsEntry("error_count", 0L);

        List<JsonNode> series = vmSeries(vm, runId);
        assertThat(readBack(run)).containsEntry("found", points(series)).containsEntry("written", points(series));
        JsonNode signals = find(series, "soak_signals_total_value", "BTCUSDT");
        assertThat(signals.path("metric").path("sink").asText()).isEqualTo("jsonl");
        List<Double> values = new ArrayList<>();
        signals.path("values").forEach(v -> values.add(v.asDouble()));
        assertThat(values).containsExactly(40.0, 90.0, 90.0);
        assertThat(signals.path("timestamps").get(0).asLong()).as("live: engine time as is").isEqualTo(MinuteRun.T0 + 60_000L);
        assertThat(find(series, "soak_signals_total_value", "all")).as("no symbol=all row beside the symbols").isNull();
        assertThat(find(series, "soak_all_symbols_strong_ratio_value", null).path("values").get(0).asDouble()).isEqualTo(0.2);
    }

    /** Case 1: a 2024 replay written with its event times; VictoriaMetrics answers 204 and keeps nothing. */
    @Test
    void pointsVictoriaMetricsDropsAreErrorsWithItsReasonAndNotExports() throws Exception {
        String vm = services.require("SOAK_VICTORIAMETRICS_URL", "/health");
        String runId = "it-influx-event-" + System.nanoTime();
        MinuteRun run = run(runId, vm, Map.of("timestamps", "event"), Mode.REPLAY, Pace.MAX, RECORDING_T0);
        for (int i = 0; i < 3; i++) {
            run.close(100, 30, 3, 0.1);
        }
        run.finish();
        Map<String, Object> s = run.section("timeseries_export");
        assertThat(s).as("2xx answers are not exports").containsEntry("sent_count", 4L).containsEntry("export_count", 0L);
        assertThat((long) s.get("error_count")).isPositive();
        assertThat((String) s.get("last_error")).contains("holds 0 of the").contains("small_timestamp");
        assertThat(readBack(run)).containsEntry("found", points(vmSeries(vm, runId))).containsEntry("found", 0L);
    }

    /** Case 1 fixed: the same replay, rebased (the default), lands at one-minute spacing ending before now. */
    @Test
    void aMaxPaceReplayOfOldEventTimesIsRebasedAndLands() throws Exception {
        String vm = services.require("SOAK_VICTORIAMETRICS_URL", "/health");
        String runId = "it-influx-rebased-" + System.nanoTime();
        MinuteRun run = run(runId, vm, Map.of(), Mode.REPLAY, Pace.MAX, RECORDING_T0);
        for (int i = 0; i < 5; i++) {
            run.close(100, 10 + i, 3, 0.1);
        }
        run.finish();
        long now = System.currentTimeMillis();
        assertThat(run.section("timeseries_export")).containsEntry("export_count", 6L).containsEntry("error_count", 0L);
        List<JsonNode> series = vmSeries(vm, runId);
        assertThat(readBack(run)).containsEntry("found", points(series));
        JsonNode minute = find(series, "soak_last_minute_signals_value", "BTCUSDT");
        List<Long> t = new ArrayList<>();
        minute.path("timestamps").forEach(x -> t.add(x.asLong()));
        assertThat(t).hasSize(6);
        for (int i = 1; i < 5; i++) {
            assertThat(t.get(i) - t.get(i - 1)).isEqualTo(60_000L);
        }
        assertThat((t.get(0) - (RECORDING_T0 + 60_000L)) % 60_000L).as("shifted by whole minutes").isZero();
        assertThat(t.get(5)).isLessThanOrEqualTo(now).isGreaterThan(now - 120_000L);
        assertThat(minute.path("values").get(4).asDouble()).isEqualTo(14.0);
    }

    /** Case 2: InfluxDB 1.6.7 is identified and written through its 1.x API; nothing is a 404. */
    @Test
    void influxdbOneIsIdentifiedWrittenThroughItsOwnApiAndReadBack() throws Exception {
        String influx1 = services.require("SOAK_INFLUXDB1_URL", "/ping");
        String runId = "it-influx1-" + System.nanoTime();
        MinuteRun run = run(runId, influx1, Map.of("db", "test"), Mode.LIVE, Pace.REALTIME, MinuteRun.T0);
        assertThat(run.section("timeseries_export").get("preflight").toString()).contains("reachable=true")
                .contains("InfluxDB 1.6.7").contains("/write?db=test");
        for (int i = 0; i < 4; i++) {
            run.close(100, 30, 3, 0.1);
        }
        run.finish();
        Map<String, Object> s = run.section("timeseries_export");
        assertThat(s).containsEntry("export_count", 5L).containsEntry("error_count", 0L);
        assertThat(s.toString()).doesNotContain("it-token-never-logged");
        String q = URLEncoder.encode("SELECT count(\"value\") FROM /^soak_/ WHERE \"run_id\" = '" + runId + "'",
                StandardCharsets.UTF_8);
        JsonNode r = JSON.readTree(Services.getBody(influx1 + "/query?db=test&q=" + q));
        long counted = 0;
        for (JsonNode series : r.path("results").path(0).path("series")) {
            counted += series.path("values").path(0).path(1).asLong();
        }
        assertThat(counted).isPositive();
        assertThat(readBack(run)).containsEntry("found", counted).containsEntry("written", counted);
        JsonNode v = JSON.readTree(Services.getBody(influx1 + "/query?db=test&epoch=ms&q=" + URLEncoder.encode(
                "SELECT \"value\" FROM \"soak_signals_total\" WHERE \"run_id\" = '" + runId + "' AND \"symbol\" = 'BTCUSDT'",
                StandardCharsets.UTF_8)));
        JsonNode rows = v.path("results").path(0).path("series").path(0).path("values");
        assertThat(rows.size()).isEqualTo(5);
        assertThat(rows.get(0).get(0).asLong()).as("the minute's end").isEqualTo(MinuteRun.T0 + 60_000L);
        assertThat(rows.get(3).get(1).asDouble()).isEqualTo(120.0);
    }

    @Test
    void influxdbOneWithoutTheDatabaseIsRefusedWithOneLineNamingIt() throws Exception {
        String influx1 = services.require("SOAK_INFLUXDB1_URL", "/ping");
        MinuteRun run = run("it-influx1-nodb-" + System.nanoTime(), influx1, Map.of("db", "no_such_db"), Mode.LIVE,
                Pace.REALTIME, MinuteRun.T0);
        Map<String, Object> s = run.section("timeseries_export");
        assertThat(s.get("preflight").toString()).contains("reachable=false")
                .contains("has no database 'no_such_db' (create it: CREATE DATABASE \"no_such_db\")");
        assertThat((String) s.get("last_error")).doesNotContain("\n");
    }

    /** A 1.x partial write (field type conflict): the export is an error carrying InfluxDB's own message. */
    @Test
    void aRejectionInfluxdbOneReportsIsAnErrorWithItsReason() throws Exception {
        String influx1 = services.require("SOAK_INFLUXDB1_URL", "/ping");
        String db = "it_conflict_" + System.nanoTime();
        Services.send(HttpRequest.newBuilder(URI.create(influx1 + "/query")).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                "q=" + URLEncoder.encode("CREATE DATABASE \"" + db + "\"", StandardCharsets.UTF_8))));
        // soak_strong_ratio already holds a string field 'value' in this database: our float is a type conflict
        Services.send(HttpRequest.newBuilder(URI.create(influx1 + "/write?db=" + db)).POST(
                HttpRequest.BodyPublishers.ofString("soak_strong_ratio,run_id=other value=\"text\"\n")));
        MinuteRun run = run("it-influx1-conflict-" + System.nanoTime(), influx1, Map.of("db", db), Mode.LIVE,
                Pace.REALTIME, MinuteRun.T0);
        run.close(100, 30, 3, 0.1);
        run.finish();
        Map<String, Object> s = run.section("timeseries_export");
        assertThat(s).containsEntry("export_count", 0L);
        assertThat((String) s.get("last_error")).contains("400").contains("field type conflict");
    }
}
