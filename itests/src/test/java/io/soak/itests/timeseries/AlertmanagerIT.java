package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.engine.Registry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert transitions sent to a real Alertmanager ({@code POST /api/v2/alerts}): a firing no_signals is an active
 * alert with our labels and startsAt at the firing minute; once resolved it carries endsAt at the resolve time
 * and is no longer active.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlertmanagerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode alerts(String am, String runId) throws Exception {
        String filter = URLEncoder.encode("run_id=\"" + runId + "\"", StandardCharsets.UTF_8);
        return JSON.readTree(Services.getBody(am + "/api/v2/alerts?active=true&filter=" + filter));
    }

    @Test
    void firingAndResolvedAlertsReachTheAlertmanagerWithOurTimes() throws Exception {
        String am = Services.load().require("SOAK_ALERTMANAGER_URL", "/-/ready");
        String runId = "it-am-" + System.nanoTime();
        // a live run's engine time is the wall clock: minutes that ended just now, so endsAt (now + 4 min) is ahead
        long t0 = (System.currentTimeMillis() / 60_000L) * 60_000L - 5 * 60_000L;
        MinuteRun run = new MinuteRun(runId, new TimeseriesSpec("none", "", false, Map.of(), Map.of()), new Registry(),
                dir, new Settings(Map.of("alerts.alertmanager_url", am)), io.soak.api.plan.Mode.LIVE,
                io.soak.api.plan.Pace.REALTIME, t0);
        run.start();
        run.close(100, 40, 8, 0.1);
        run.close(30, 0, 0, 0.1);
        run.close(30, 0, 0, 0.1); // no_signals fires at the end of minute 3
        JsonNode active = alerts(am, runId);
        assertThat(active).hasSize(1);
        assertThat(active.get(0).path("labels").path("alertname").asText()).isEqualTo("no_signals");
        assertThat(active.get(0).path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(java.time.Instant.parse(active.get(0).path("startsAt").asText()).toEpochMilli())
                .isEqualTo(t0 + 3 * 60_000L);
        run.close(100, 40, 8, 0.1); // resolved at the end of minute 4
        assertThat(alerts(am, runId)).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> sent = (Map<String, Object>) run.section("alerts").get("alertmanager");
        assertThat(sent).containsEntry("sent", 2L).containsEntry("errors", 0L);
    }

    /**
     * Case 4: an Alertmanager whose resolve_timeout (2 s) is far shorter than the firing period (8 s of wall time,
     * the run's clock being the wall clock). Prometheus-like resends every second, each with endsAt ahead, keep the
     * alert active; the resolve ends it at the resolve time. Sent once without endsAt (as before) it was resolved by
     * the Alertmanager after 2 s.
     */
    @Test
    void aLongFiringAlertStaysActiveInAnAlertmanagerWithAShortResolveTimeoutAndEndsAtTheResolveTime() throws Exception {
        Services services = Services.load();
        String bin = services.get("SOAK_ALERTMANAGER_BIN");
        org.junit.jupiter.api.Assumptions.assumeTrue(bin != null && java.nio.file.Files.isExecutable(Path.of(bin)),
                "no Alertmanager binary: run `scripts/services.sh start`");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path cfg = dir.resolve("am.yml");
        java.nio.file.Files.writeString(cfg, "global:\n  resolve_timeout: 2s\nroute:\n  receiver: none\nreceivers:\n  - name: none\n");
        Process am = new ProcessBuilder(bin, "--config.file=" + cfg, "--storage.path=" + dir.resolve("am-data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("am.log").toFile()).start();
        try {
            String url = "http://127.0.0.1:" + port;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> Services.status(url + "/-/ready") == 200);
            String runId = "it-am-resend-" + System.nanoTime();
            WallRun run = new WallRun(runId, new Settings(Map.of("alerts.alertmanager_url", url,
                    "alerts.alertmanager_resend_interval", "1s")), dir);
            run.start();
            run.minute(0.9); // low_consistency fires (for: 0s)
            long firedAt = System.currentTimeMillis();
            assertThat(alerts(url, runId)).hasSize(1);
            // 8 s of health ticks on the wall clock (the engine ticks every 10 s; faster here)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                        run.tick();
                        return System.currentTimeMillis() - firedAt > 8_000;
                    });
            JsonNode active = alerts(url, runId);
            assertThat(active).as("still active 4 resolve_timeouts later").hasSize(1);
            assertThat(active.get(0).path("labels").path("alertname").asText()).isEqualTo("low_consistency");
            long endsAt = java.time.Instant.parse(active.get(0).path("endsAt").asText()).toEpochMilli();
            assertThat(endsAt).as("endsAt ahead of now").isGreaterThan(System.currentTimeMillis());
            run.minute(0.1); // resolves
            long resolvedAt = run.lastMinuteEndMs();
            assertThat(alerts(url, runId)).isEmpty();
            JsonNode all = JSON.readTree(Services.getBody(url + "/api/v2/alerts?active=false&filter="
                    + URLEncoder.encode("run_id=\"" + runId + "\"", StandardCharsets.UTF_8)));
            if (all.size() > 0) {
                assertThat(java.time.Instant.parse(all.get(0).path("endsAt").asText()).toEpochMilli())
                        .as("resolved at the resolve time").isEqualTo(resolvedAt);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> sent = (Map<String, Object>) run.section("alerts").get("alertmanager");
            assertThat((Long) sent.get("resends")).isGreaterThanOrEqualTo(5L);
            assertThat(sent).containsEntry("errors", 0L);
        } finally {
            am.destroy();
            if (!am.waitFor(10, TimeUnit.SECONDS)) {
                am.destroyForcibly();
            }
        }
    }
}
