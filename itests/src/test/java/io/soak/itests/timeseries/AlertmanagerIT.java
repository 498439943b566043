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
@Timeout(value = 60, unit = TimeUnit.SECONDS)
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
        MinuteRun run = new MinuteRun(runId, new TimeseriesSpec("none", "", false, Map.of(), Map.of()), new Registry(),
                dir, new Settings(Map.of("alerts.alertmanager_url", am)));
        run.start();
        run.close(100, 40, 8, 0.1);
        run.close(30, 0, 0, 0.1);
        run.close(30, 0, 0, 0.1); // no_signals fires at the end of minute 3
        JsonNode active = alerts(am, runId);
        assertThat(active).hasSize(1);
        assertThat(active.get(0).path("labels").path("alertname").asText()).isEqualTo("no_signals");
        assertThat(active.get(0).path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(java.time.Instant.parse(active.get(0).path("startsAt").asText()).toEpochMilli())
                .isEqualTo(MinuteRun.T0 + 3 * 60_000L);
        run.close(100, 40, 8, 0.1); // resolved at the end of minute 4
        assertThat(alerts(am, runId)).isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> sent = (Map<String, Object>) run.section("alerts").get("alertmanager");
        assertThat(sent).containsEntry("sent", 2L).containsEntry("errors", 0L);
    }
}
