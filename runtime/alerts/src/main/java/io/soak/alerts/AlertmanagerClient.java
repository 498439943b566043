package io.soak.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to an Alertmanager ({@code POST /api/v2/alerts}) the way Prometheus does: a firing alert is sent
 * when it fires and re-sent every {@code resendIntervalMs} while it fires, each time with {@code startsAt} at the
 * firing time and {@code endsAt} four resend intervals ahead (so the Alertmanager keeps it active however long it
 * fires, whatever its {@code resolve_timeout}, and resolves it by itself if soak dies); a resolved alert is sent
 * once with {@code endsAt} at the resolve time. Times are the caller's (wall-clock) times. Synchronous with short
 * timeouts; a failed post is counted, logged as one warning per failure streak, and never fails the run.
 */
final class AlertmanagerClient {

    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerClient.class);

    private record Firing(Map<String, String> labels, Map<String, String> annotations, long startsAtMs) {
    }

    private final String url;
    private final String runId;
    private final long resendIntervalMs;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Firing> firing = new LinkedHashMap<>();
    private long lastSentMs = Long.MIN_VALUE;
    private long sent;
    private long posts;
    private long resends;
    private long errors;
    private int failureStreak;
    private String lastError = "";

    AlertmanagerClient(String url, String runId, long resendIntervalMs) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.runId = runId;
        this.resendIntervalMs = resendIntervalMs;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    long resendIntervalMs() {
        return resendIntervalMs;
    }

    /** A transition: firing starts the resends, resolved sends the end and stops them. */
    void send(AlertTransition t, long firedAtMs, long atMs, long nowMs) {
        Map<String, String> labels = new TreeMap<>(Map.of("alertname", t.rule(), "severity", t.level(), "run_id", runId,
                "source", "soak"));
        Map<String, String> annotations = new TreeMap<>(Map.of("summary", t.rule() + " " + t.state(), "description",
                t.details(), "value", String.valueOf(t.value())));
        if (t.state().equals("firing")) {
            firing.put(t.rule(), new Firing(labels, annotations, firedAtMs));
            post(List.of(alert(firing.get(t.rule()), nowMs + 4 * resendIntervalMs)), false);
            lastSentMs = nowMs;
        } else if (t.state().equals("resolved")) {
            Firing f = firing.remove(t.rule());
            annotations.put("summary", t.rule() + " resolved");
            post(List.of(alert(new Firing(labels, annotations, f == null ? firedAtMs : f.startsAtMs()), atMs)), false);
        }
    }

    /** Re-sends every firing alert when a resend interval has passed since the last post. */
    void resendDue(long nowMs) {
        if (firing.isEmpty() || nowMs - lastSentMs < resendIntervalMs) {
            return;
        }
        List<Map<String, Object>> all = new ArrayList<>();
        firing.values().forEach(f -> all.add(alert(f, nowMs + 4 * resendIntervalMs)));
        post(all, true);
        lastSentMs = nowMs;
    }

    private static Map<String, Object> alert(Firing f, long endsAtMs) {
        Map<String, Object> a = new TreeMap<>();
        a.put("labels", f.labels());
        a.put("annotations", f.annotations());
        a.put("startsAt", Instant.ofEpochMilli(f.startsAtMs()).toString());
        a.put("endsAt", Instant.ofEpochMilli(endsAtMs).toString());
        return a;
    }

    private void post(List<Map<String, Object>> alerts, boolean resend) {
        try {
            byte[] body = json.writeValueAsBytes(alerts);
            HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new java.io.IOException("HTTP " + resp.statusCode() + ": " + firstLine(resp.body()));
            }
            posts++;
            sent += alerts.size();
            if (resend) {
                resends++;
            }
            if (failureStreak > 0) {
                LOG.info("alertmanager {}: posts work again after {} failures", url, failureStreak);
                failureStreak = 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        } catch (Exception e) {
            fail(e);
        }
    }

    private void fail(Exception e) {
        errors++;
        failureStreak++;
        lastError = e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(e.getMessage()));
        if (failureStreak == 1) {
            LOG.warn("alertmanager {}: post failed ({}); the run goes on (further failures in a row: in the log)", url,
                    lastError);
        } else {
            LOG.debug("alertmanager {}: post failed ({} in a row): {}", url, failureStreak, lastError);
        }
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
        m.put("posts", posts);
        m.put("resends", resends);
        m.put("resend_interval_ms", resendIntervalMs);
        m.put("firing", List.copyOf(firing.keySet()));
        m.put("errors", errors);
        m.put("last_error", lastError);
        return m;
    }
}
