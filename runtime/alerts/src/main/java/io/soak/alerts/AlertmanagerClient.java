package io.soak.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends firing and resolved alerts to an Alertmanager ({@code POST /api/v2/alerts}): startsAt at the firing
 * time, endsAt at the resolve time. Synchronous with short timeouts; a failure is a warning and a counted
 * error, never a failure of the run.
 */
final class AlertmanagerClient {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerClient.class);

    private final String url;
    private final String runId;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private long sent;
    private long errors;
    private String lastError = "";

    AlertmanagerClient(String url, String runId) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.runId = runId;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    void send(AlertTransition t, long firedAtMs) {
        Map<String, Object> alert = new TreeMap<>();
        alert.put("labels", Map.of("alertname", t.rule(), "severity", t.level(), "run_id", runId, "source", "soak"));
        alert.put("annotations", Map.of("summary", t.rule() + " " + t.state(), "description", t.details(),
                "value", String.valueOf(t.value())));
        alert.put("startsAt", java.time.Instant.ofEpochMilli(firedAtMs).toString());
        if (t.state().equals("resolved")) {
            alert.put("endsAt", t.at());
        }
        try {
            byte[] body = json.writeValueAsBytes(List.of(alert));
            HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new java.io.IOException("HTTP " + resp.statusCode() + ": " + firstLine(resp.body()));
            }
            sent++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } catch (Exception e) {
            fail(e);
        }
    }

    private void fail(Exception e) {
        errors++;
        lastError = e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(e.getMessage()));
        LOG.warn("alertmanager {}: post failed ({}); the run goes on", url, lastError);
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    Map<String, Object> section() {
        Map<String, Object> m = new TreeMap<>();
        m.put("url", url);
        m.put("sent", sent);
        m.put("errors", errors);
        m.put("last_error", lastError);
        return m;
    }
}
