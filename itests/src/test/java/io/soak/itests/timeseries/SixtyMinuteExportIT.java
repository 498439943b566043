package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Criterion;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.Registry;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.export.TimeseriesExtension;
import io.soak.testing.SoakHost;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * The acceptance's time-series item through the whole runtime: a 60-minute scenario (seeded synthetic market,
 * harvest → signal → broker → report) replayed at max pace. To VictoriaMetrics (InfluxDB line protocol): the
 * replay's minutes, rebased to end at the wall time it finished, are 60 points at one-minute spacing whose
 * values are the minute statistics of the run. To the Pushgateway: the honest wall snapshots, and the backfill
 * file imported into the real Prometheus with promtool, queried: the same 60 points. Both by the run's own
 * verdict: export_count ≥ 60 (read back), error_count == 0.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SixtyMinuteExportIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder()
            .bundles("soak-feed-emulator", "soak-harvest", "soak-signal", "soak-broker", "soak-report",
                    "soak-exporter-pushgateway", "soak-exporter-influxdb", "soak-exporter-file")
            .awaitStages("harvest", "signal", "broker", "report").build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Services services;

    @BeforeAll
    static void services() throws Exception {
        services = Services.load();
        HOST.awaitFactories(Map.of(Registry.EXPORTER, Set.of("prometheus", "influxdb", "file"), Registry.REPLAY,
                Set.of("synthetic")), Duration.ofSeconds(30));
    }

    /** The engine's minute statistics (all symbols), as the run delivered them: the independent side. */
    private static final class MinuteRecorder implements RunExtension {
        final Map<Long, Long> signals = new TreeMap<>();

        @Override
        public String name() {
            return "minute-recorder";
        }

        @Override
        public void onMinute(RunContext run, List<MinuteStats> minute) {
            minute.stream().filter(r -> MinuteStats.ALL.equals(r.symbol())).forEach(r -> signals.put(r.minuteStartMs(), r.total()));
        }
    }

    private record Result(RunOutcome outcome, MinuteRecorder minutes, String runId, Map<String, Object> export) {
    }

    private static Result run(TimeseriesSpec ts) throws Exception {
        ScenarioPlan plan = new ScenarioPlan("timeseries-60m", "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 42L,
                Duration.ofMinutes(60),
                new SourceSpec("synthetic", List.of("BTCUSDT", "ETHUSDT"), List.of(), "", List.of(), false, Map.of(),
                        Map.of(), Map.of()),
                List.of("harvest", "signal", "broker", "report"), List.of(), Duration.ofSeconds(10),
                RestartPolicy.defaults(), ts, io.soak.alerts.AlertRules.standardSpecs(Settings.empty()), List.of(),
                List.of(new Criterion("exports", "timeseries_export.export_count", ">=", 60, "one export per minute"),
                        new Criterion("export_errors", "timeseries_export.error_count", "==", 0, "no failed export")),
                Map.of(), "UTC");
        String runId = "it-60m-" + ts.type() + "-" + System.nanoTime();
        MinuteRecorder recorder = new MinuteRecorder();
        TimeseriesExtension ext = new TimeseriesExtension(plan, Settings.empty());
        RunOutcome outcome = HOST.newRun(plan, Settings.empty(), runId, List.of(ext, recorder)).run();
        assertThat(outcome.exitCode()).as("%s", outcome.failures()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> export = (Map<String, Object>) outcome.manifest().get("timeseries_export");
        System.out.printf("timeseries-60m %s: exports=%s sent=%s errors=%s read_back=%s latency_ms=%s%n", ts.type(),
                export.get("export_count"), export.get("sent_count"), export.get("error_count"), export.get("read_back"),
                export.get("latency_ms"));
        assertThat(((Number) export.get("export_count")).longValue()).isGreaterThanOrEqualTo(60);
        assertThat(((Number) export.get("error_count")).longValue()).isZero();
        assertThat(recorder.signals).hasSizeGreaterThanOrEqualTo(60);
        return new Result(outcome, recorder, runId, export);
    }

    /** Sum over the symbols per timestamp of {@code series} (export API or Prometheus matrix), time → value. */
    private static TreeMap<Long, Double> sumByTime(List<JsonNode> series, boolean prometheus) {
        TreeMap<Long, Double> out = new TreeMap<>();
        for (JsonNode s : series) {
            if (prometheus) {
                s.path("values").forEach(v -> out.merge(Math.round(v.get(0).asDouble() * 1000), v.get(1).asDouble(), Double::sum));
            } else {
                for (int i = 0; i < s.path("timestamps").size(); i++) {
                    out.merge(s.path("timestamps").get(i).asLong(), s.path("values").get(i).asDouble(), Double::sum);
                }
            }
        }
        return out;
    }

    /** 60 points one minute apart, equal to the run's minute statistics and to the manifest's exported minutes. */
    private static void assertSixtyMinutes(TreeMap<Long, Double> points, Result r, boolean backfill) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> manifestMinutes = (List<Map<String, Object>>) r.export().get("minutes");
        List<Long> engineMinutes = new ArrayList<>(r.minutes().signals.keySet());
        assertThat(manifestMinutes).hasSizeGreaterThanOrEqualTo(60);
        List<Long> times = new ArrayList<>(points.keySet());
        assertThat(times).hasSizeGreaterThanOrEqualTo(60);
        for (int i = 0; i < 60; i++) {
            Map<String, Object> m = manifestMinutes.get(i);
            long at = exportTime(m, r, backfill);
            assertThat(points).as("a point at the export time of minute %d", i).containsKey(at);
            assertThat(points.get(at)).as("minute %d", i).isEqualTo(((Number) m.get("signals")).doubleValue())
                    .isEqualTo(r.minutes().signals.get(engineMinutes.get(i)).doubleValue());
            if (i > 0) {
                long before = exportTime(manifestMinutes.get(i - 1), r, backfill);
                assertThat(at - before).as("one-minute spacing at minute %d", i).isEqualTo(60_000L);
            }
        }
        long lastMinute = exportTime(manifestMinutes.get(59), r, backfill);
        assertThat(lastMinute).as("rebased: the replay ends at most a minute before now")
                .isLessThanOrEqualTo(System.currentTimeMillis()).isGreaterThan(System.currentTimeMillis() - 10 * 60_000L);
    }

    /** The time a minute was written at: as sent, or (backfill file) its engine time mapped by the run's offset. */
    @SuppressWarnings("unchecked")
    private static long exportTime(Map<String, Object> minute, Result r, boolean backfill) {
        if (!backfill) {
            return ((Number) minute.get("exported_at_ms")).longValue();
        }
        Map<String, Object> mapping = (Map<String, Object>) r.export().get("time_mapping");
        return ((Number) minute.get("at_ms")).longValue() + ((Number) mapping.get("offset_ms")).longValue();
    }

    @Test
    void sixtyMinutesAtMaxPaceToVictoriaMetricsAreSixtyPointsAMinuteApartWithTheMinuteStatistics() throws Exception {
        String vm = services.require("SOAK_VICTORIAMETRICS_URL", "/health");
        Result r = run(new TimeseriesSpec("influxdb", vm, true, Map.of(), Map.of()));
        Services.getBody(vm + "/internal/force_flush");
        String match = URLEncoder.encode("{__name__=\"soak_last_minute_signals_value\",run_id=\"" + r.runId() + "\"}",
                StandardCharsets.UTF_8);
        List<JsonNode> series = new ArrayList<>();
        for (String line : Services.getBody(vm + "/api/v1/export?match[]=" + match).split("\n")) {
            if (!line.isBlank()) {
                series.add(JSON.readTree(line));
            }
        }
        assertThat(series).hasSize(2); // BTCUSDT, ETHUSDT; the all-symbols sum is sum()
        assertSixtyMinutes(sumByTime(series, false), r, false);
        @SuppressWarnings("unchecked")
        Map<String, Object> rb = (Map<String, Object>) r.export().get("read_back");
        String all = URLEncoder.encode("{run_id=\"" + r.runId() + "\"}", StandardCharsets.UTF_8);
        long points = 0;
        for (String line : Services.getBody(vm + "/api/v1/export?match[]=" + all).split("\n")) {
            if (!line.isBlank()) {
                points += JSON.readTree(line).path("timestamps").size();
            }
        }
        // the run summary (after the verdict) adds its own points after the read-back
        assertThat(((Number) rb.get("found")).longValue()).isEqualTo(((Number) rb.get("written")).longValue())
                .isLessThanOrEqualTo(points);
    }

    @Test
    void sixtyMinutesAtMaxPaceToThePushgatewayBackfillPrometheusWithTheSameSixtyPoints() throws Exception {
        String pushgateway = services.require("SOAK_PUSHGATEWAY_URL", "/-/ready");
        String prometheus = services.require("SOAK_PROMETHEUS_URL", "/-/ready");
        String promtool = services.require("SOAK_PROMTOOL", null);
        String data = services.require("SOAK_PROMETHEUS_DATA_DIR", null);
        Result r = run(new TimeseriesSpec("prometheus", pushgateway, true, Map.of(), Map.of()));
        @SuppressWarnings("unchecked")
        Map<String, Object> backfill = (Map<String, Object>) r.export().get("backfill");
        assertThat(backfill).containsEntry("state", "written");
        Path file = Path.of((String) backfill.get("file"));
        String text = Files.readString(file);
        assertThat(text).endsWith("# EOF\n");
        assertThat(text.lines().filter(l -> l.startsWith("# TYPE ")).toList()).doesNotHaveDuplicates();
        // the honest label on the wall snapshots
        assertThat(Services.getBody(pushgateway + "/metrics")).doesNotContain("run_id=\"" + r.runId() + "\",sink");

        Process p = new ProcessBuilder(promtool, "tsdb", "create-blocks-from", "openmetrics", file.toString(), data)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("promtool: %s", out).isZero();
        String q = URLEncoder.encode("soak_last_minute_signals{run_id=\"" + r.runId() + "\",job=\"\"}[3h]", StandardCharsets.UTF_8);
        List<JsonNode> series = new ArrayList<>();
        // Prometheus loads new blocks from its data directory at its next block reload (once a minute)
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            series.clear();
            JSON.readTree(Services.getBody(prometheus + "/api/v1/query?query=" + q)).path("data").path("result")
                    .forEach(series::add);
            assertThat(series).hasSize(2);
        });
        assertSixtyMinutes(sumByTime(series, true), r, true);
        // backfilled series have no job label; the Pushgateway's scraped wall snapshots have job="soak"
        String info = URLEncoder.encode("soak_run_info{run_id=\"" + r.runId() + "\",job=\"\"}[3h]", StandardCharsets.UTF_8);
        assertThat(Services.getBody(prometheus + "/api/v1/query?query=" + info)).contains("\"pace\":\"max\"");
    }
}
