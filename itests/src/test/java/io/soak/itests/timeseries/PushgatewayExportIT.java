package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.engine.Registry;
import io.soak.testing.SoakHost;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Pushgateway exporter bundle (through Felix) against a real Pushgateway, and a real Prometheus scraping it
 * (honor_labels): our metrics land with the right labels, the exposition our encoder writes is accepted, and
 * a body the encoder never writes (a sample with a timestamp) is rejected by the same server with 400.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PushgatewayExportIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-exporter-pushgateway").build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String pushgateway;
    private static Services services;

    @TempDir
    Path dir;

    @BeforeAll
    static void services() throws Exception {
        services = Services.load();
        pushgateway = services.require("SOAK_PUSHGATEWAY_URL", "/-/ready");
        HOST.awaitFactories(Map.of(Registry.EXPORTER, Set.of("prometheus")), Duration.ofSeconds(30));
    }

    // no wipe between tests: the Pushgateway is shared with other suites; every test has a run id of its own

    private MinuteRun run(String runId, Map<String, String> options) throws Exception {
        MinuteRun run = new MinuteRun(runId, new TimeseriesSpec("prometheus", pushgateway, true, options, Map.of()),
                HOST.registry(), dir);
        run.start();
        return run;
    }

    /** The Pushgateway's JSON of all groups: the group whose run_id label is {@code runId}, or null. */
    private static JsonNode group(String runId) throws Exception {
        JsonNode all = JSON.readTree(Services.getBody(pushgateway + "/api/v1/metrics")).path("data");
        for (JsonNode g : all) {
            if (runId.equals(g.path("labels").path("run_id").asText())) {
                return g;
            }
        }
        return null;
    }

    private static JsonNode metric(JsonNode group, String family, Map<String, String> labels) {
        for (JsonNode m : group.path(family).path("metrics")) {
            boolean match = labels.entrySet().stream().allMatch(e -> e.getValue().equals(m.path("labels").path(e.getKey()).asText()));
            if (match) {
                return m;
            }
        }
        throw new AssertionError("no " + family + labels + " in " + group.path(family));
    }

    @Test
    void exportedMinutesAreInThePushgatewayGroupWithRunLabelsAndPrometheusScrapesThem() throws Exception {
        String runId = "it-pgw-" + System.nanoTime();
        MinuteRun run = run(runId, Map.of());
        assertThat(run.section("timeseries_export")).extractingByKey("preflight").asString().contains("reachable=true");
        run.close(120, 40, 8, 0.25);
        run.close(130, 50, 5, 0.30);
        assertThat(run.section("timeseries_export")).containsEntry("export_count", 2L).containsEntry("error_count", 0L);

        JsonNode g = group(runId);
        @SuppressWarnings("unchecked")
        Map<String, Object> rb = (Map<String, Object>) run.section("timeseries_export").get("read_back");
        assertThat(rb).as("read-back equals the group's samples").containsEntry("found", samples(g))
                .containsEntry("written", samples(g));
        assertThat(g).as("group of run %s", runId).isNotNull();
        assertThat(g.path("labels").path("job").asText()).isEqualTo("soak");
        JsonNode signals = metric(g, "soak_signals_total", Map.of("symbol", "BTCUSDT"));
        assertThat(signals.path("value").asText()).isEqualTo("90");
        assertThat(signals.path("labels").path("sink").asText()).isEqualTo("jsonl");
        assertThat(g.path("soak_signals_total").path("type").asText()).isEqualTo("COUNTER");
        assertThat(metric(g, "soak_strong_ratio", Map.of("symbol", "BTCUSDT")).path("value").asText()).isEqualTo("0.1");
        assertThat(metric(g, "soak_gating_total", Map.of("symbol", "BTCUSDT", "reason", "spread_bps>20.0"))
                .path("value").asText()).isEqualTo("2");
        assertThat(metric(g, "soak_last_minute_signals", Map.of("symbol", "BTCUSDT")).path("value").asText()).isEqualTo("50");
        assertThat(metric(g, "soak_alert_state", Map.of("rule", "no_signals")).path("value").asText()).isEqualTo("0");

        // Prometheus (scraping the Pushgateway every second, honor_labels) sees the same series
        String prometheus = services.require("SOAK_PROMETHEUS_URL", "/-/ready");
        String q = URLEncoder.encode("sum(soak_signals_total{run_id=\"" + runId + "\"}) by (sink)", StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode r = JSON.readTree(Services.getBody(prometheus + "/api/v1/query?query=" + q)).path("data").path("result");
            assertThat(r).hasSize(1);
            assertThat(r.get(0).path("value").get(1).asText()).isEqualTo("90");
            assertThat(r.get(0).path("metric").path("sink").asText()).isEqualTo("jsonl");
        });
        run.finish();
        assertThat(metric(group(runId), "soak_run_finished", Map.of()).path("value").asText()).isEqualTo("1");
    }

    private static long samples(JsonNode group) {
        long n = 0;
        var names = group.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (group.get(f).has("metrics") && !f.startsWith("push_")) {
                n += group.get(f).get("metrics").size();
            }
        }
        return n;
    }

    @Test
    void awkwardLabelValuesAndARunIdWithASlashAreAcceptedAndStoredExactly() throws Exception {
        String runId = "it/slash \"quoted\" \\ back-" + System.nanoTime();
        MinuteRun run = run(runId, Map.of());
        run.close(100, 30, 3, 0.1);
        assertThat(run.section("timeseries_export")).as("%s", run.section("timeseries_export"))
                .containsEntry("error_count", 0L).containsEntry("export_count", 1L);
        JsonNode g = group(runId);
        assertThat(g).isNotNull();
        assertThat(metric(g, "soak_last_minute_decisions", Map.of("symbol", "BTCUSDT")).path("labels").path("run_id").asText())
                .isEqualTo(runId);
    }

    /**
     * Case 5: by default the finished run's group is deleted after the final push, its read-back and the summary,
     * so Prometheus stops seeing its alert states as current; the summary group keeps the verdict, the run info and
     * the last success time.
     */
    @Test
    void byDefaultAFinishedRunLeavesItsSummaryAndNoFiringAlertBehind() throws Exception {
        String runId = "it-del-" + System.nanoTime();
        MinuteRun run = run(runId, Map.of());
        run.close(100, 30, 3, 0.1);
        run.close(100, 0, 0, 0.1);
        run.close(100, 0, 0, 0.1); // no_signals firing
        assertThat(metric(group(runId), "soak_alert_state", Map.of("rule", "no_signals")).path("value").asText()).isEqualTo("2");
        String prometheus = services.require("SOAK_PROMETHEUS_URL", "/-/ready");
        String q = URLEncoder.encode("soak_alert_state{run_id=\"" + runId + "\",rule=\"no_signals\"} == 2", StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(JSON.readTree(Services.getBody(prometheus + "/api/v1/query?query=" + q)).path("data").path("result"))
                        .hasSize(1));
        run.finish();
        assertThat(run.section("timeseries_export")).containsEntry("export_count", 4L).containsEntry("error_count", 0L);
        assertThat(group(runId)).as("the run's group is read back before it is deleted").isNotNull();
        run.verdict(true);
        assertThat(group(runId)).isNull();
        JsonNode summary = summaryGroup();
        assertThat(metric(summary, "soak_run_verdict", Map.of("verdict", "pass", "run_id", runId)).path("value").asText())
                .isEqualTo("1");
        assertThat(metric(summary, "soak_last_run_info", Map.of("run_id", runId)).path("labels").path("pace").asText())
                .isEqualTo("1.0");
        double lastSuccess = metric(summary, "soak_run_last_success_timestamp_seconds", Map.of("run_id", runId))
                .path("value").asDouble();
        assertThat(lastSuccess).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
        // a failed run replaces the verdict, keeps the last success of the earlier run
        String failedId = "it-del-failed-" + System.nanoTime();
        MinuteRun failed = run(failedId, Map.of());
        failed.close(100, 30, 3, 0.1);
        failed.finish();
        failed.verdict(false);
        JsonNode after = summaryGroup();
        assertThat(metric(after, "soak_run_verdict", Map.of("verdict", "fail", "run_id", failedId)).path("value").asText())
                .isEqualTo("1");
        assertThat(metric(after, "soak_run_last_success_timestamp_seconds", Map.of("run_id", runId)).path("value").asDouble())
                .isEqualTo(lastSuccess);
        // Prometheus no longer has a firing no_signals for the finished run (stale once the group is gone)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(JSON.readTree(Services.getBody(prometheus + "/api/v1/query?query=" + q)).path("data").path("result"))
                        .isEmpty());
    }

    private static JsonNode summaryGroup() throws Exception {
        for (JsonNode g : JSON.readTree(Services.getBody(pushgateway + "/api/v1/metrics")).path("data")) {
            if ("timeseries-it".equals(g.path("labels").path("scenario").asText())
                    && "soak".equals(g.path("labels").path("job").asText())) {
                return g;
            }
        }
        throw new AssertionError("no summary group job=soak,scenario=timeseries-it");
    }

    @Test
    void groupDeletionCanBeTurnedOffByOption() throws Exception {
        String runId = "it-keep-" + System.nanoTime();
        MinuteRun run = run(runId, Map.of("delete_on_finish", "false"));
        run.close(100, 30, 3, 0.1);
        run.finish();
        run.verdict(true);
        assertThat(metric(group(runId), "soak_run_finished", Map.of()).path("value").asText()).isEqualTo("1");
        Services.send(HttpRequest.newBuilder(URI.create(pushgateway + "/metrics/job/soak/run_id/" + runId)).DELETE());
    }

    /** Case 6: the exposition we push passes promtool's linter (base units, _total only on counters, no minutes). */
    @Test
    void theExpositionPassesPromtoolCheckMetrics() throws Exception {
        String promtool = services.require("SOAK_PROMTOOL", null);
        String runId = "it-lint-" + System.nanoTime();
        MinuteRun run = run(runId, Map.of("delete_on_finish", "false"));
        run.close(120, 40, 8, 0.25);
        run.finish();
        run.verdict(true);
        // the Pushgateway's own exposition of our group (HELP/TYPE + samples), without its push_* bookkeeping
        StringBuilder ours = new StringBuilder();
        StringBuilder header = new StringBuilder();
        StringBuilder samples = new StringBuilder();
        String family = null;
        for (String line : (Services.getBody(pushgateway + "/metrics") + "# HELP end\n").split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String f = line.split(" ")[2];
                if (!f.equals(family)) {
                    if (family != null && family.startsWith("soak_") && samples.length() > 0) {
                        ours.append(header).append(samples); // only families with samples of this run
                    }
                    header.setLength(0);
                    samples.setLength(0);
                    family = f;
                }
                header.append(line).append('\n');
            } else if (line.contains("run_id=\"" + runId + "\"")) {
                samples.append(line).append('\n');
            }
        }
        assertThat(ours.toString()).contains("soak_signals_total{").contains("soak_lag_seconds{");
        Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(ours.toString().getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("promtool check metrics: %s", out).isZero();
        Services.send(HttpRequest.newBuilder(URI.create(pushgateway + "/metrics/job/soak/run_id/" + runId)).DELETE());
    }

    @Test
    void theRealPushgatewayRejectsWhatOurEncoderNeverWrites() throws Exception {
        String url = pushgateway + "/metrics/job/soak/run_id/it-invalid";
        HttpResponse<String> withTimestamp = put(url, "# TYPE x gauge\nx{a=\"1\"} 1 1700000000000\n");
        assertThat(withTimestamp.statusCode()).isEqualTo(400);
        assertThat(withTimestamp.body()).containsIgnoringCase("timestamp");
        assertThat(put(url, "# TYPE x gauge\nx 1").statusCode()).as("no trailing newline").isEqualTo(400);
        assertThat(put(url, "# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n").statusCode()).as("duplicate series").isEqualTo(400);
        assertThat(put(url, "# TYPE x gauge\nx{a=\"1\"} 1\n").statusCode()).as("the same, well formed").isEqualTo(200);
    }

    private static HttpResponse<String> put(String url, String body) throws Exception {
        return Services.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }
}
