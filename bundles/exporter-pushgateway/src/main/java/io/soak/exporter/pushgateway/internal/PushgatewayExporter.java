package io.soak.exporter.pushgateway.internal;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.export.MetricSample;
import io.soak.api.export.ReadBack;
import java.util.List;
import java.util.Optional;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes each snapshot with one PUT to the run's group {@code /metrics/job/<job>/run_id/<id>} (PUT replaces the
 * whole group, so the group always holds exactly the last snapshot). Read-back: {@code GET /api/v1/metrics}, the
 * run's group, its samples against those of the last push. After the verdict the run summary
 * ({@code soak_last_run_info}, {@code soak_run_verdict}, {@code soak_run_last_success_timestamp_seconds} on a pass) is
 * POSTed to the group {@code /metrics/job/<job>/scenario/<scenario>} (POST replaces same-named families only, so the
 * last success of the scenario survives a failed run), then, with {@code delete_on_finish} (default true), the run's
 * group is deleted so a finished run's gauges (alert states among them) are not scraped as current forever.
 * Options: {@code job} (default {@code soak}), {@code delete_on_finish}, {@code connect_timeout_ms} (2000),
 * {@code call_timeout_ms} (5000). Secrets {@code token} (Bearer) or {@code username}/{@code password} (Basic)
 * go into the Authorization header only.
 */
final class PushgatewayExporter implements MetricsExporter {

    private static final Logger LOG = LoggerFactory.getLogger(PushgatewayExporter.class);
    private static final MediaType TEXT = MediaType.get(TextFormat.CONTENT_TYPE);

    private final ExporterContext context;
    private final String base;
    private final String groupUrl;
    private final boolean deleteOnFinish;
    private final String job;
    private final ObjectMapper json = new ObjectMapper();
    private long lastPushed = -1;
    private boolean groupDeleted;
    private final String authorization;
    private final OkHttpClient http;

    PushgatewayExporter(ExporterContext context) {
        this.context = context;
        Map<String, String> o = context.spec().options();
        String url = context.spec().url().strip();
        if (url.isEmpty()) {
            throw new IllegalArgumentException("time-series type 'prometheus' needs the Pushgateway URL (timeseries url)");
        }
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("run_id", context.runId());
        this.groupUrl = base + GroupingKey.path(o.getOrDefault("job", "soak"), labels);
        String del = o.getOrDefault("delete_on_finish", "true").strip();
        if (!del.equals("true") && !del.equals("false")) {
            throw new IllegalArgumentException("time-series option delete_on_finish must be true or false, got '" + del + "'");
        }
        this.deleteOnFinish = Boolean.parseBoolean(del);
        this.job = o.getOrDefault("job", "soak");
        Map<String, String> secrets = context.spec().secrets();
        if (secrets.containsKey("token")) {
            authorization = "Bearer " + secrets.get("token");
        } else if (secrets.containsKey("username")) {
            authorization = Credentials.basic(secrets.get("username"), secrets.getOrDefault("password", ""));
        } else {
            authorization = null;
        }
        this.http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofMillis(Long.parseLong(o.getOrDefault("connect_timeout_ms", "2000"))))
                .callTimeout(Duration.ofMillis(Long.parseLong(o.getOrDefault("call_timeout_ms", "5000"))))
                .retryOnConnectionFailure(false)
                .build();
    }

    String groupUrl() {
        return groupUrl;
    }

    @Override
    public Preflight preflight() {
        long t0 = System.nanoTime();
        try (Response r = http.newCall(request(base + "/-/ready").get().build()).execute()) {
            long ms = (System.nanoTime() - t0) / 1_000_000L;
            return new Preflight(r.code() == 200, base, "GET /-/ready -> " + r.code(), ms);
        } catch (IOException | RuntimeException e) {
            return new Preflight(false, base, "GET /-/ready: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    (System.nanoTime() - t0) / 1_000_000L);
        }
    }

    /** The Pushgateway stamps samples when Prometheus scrapes them: a sample with a timestamp gets 400. */
    @Override
    public boolean timestamped() {
        return false;
    }

    @Override
    public void export(MetricsSnapshot snapshot) throws IOException {
        String body = TextFormat.encode(snapshot.samples());
        call(request(groupUrl).put(RequestBody.create(body, TEXT)).build(), "PUT", groupUrl);
        context.metrics().increment("pushgateway_puts");
        lastPushed = snapshot.samples().size();
    }

    /** Samples of the run's group in {@code GET /api/v1/metrics} (the gateway's own push_time/push_failure excluded). */
    @Override
    public Optional<ReadBack> readBack() throws IOException {
        if (lastPushed < 0) {
            return Optional.empty();
        }
        long found = 0;
        try (Response r = http.newCall(request(base + "/api/v1/metrics").get().build()).execute()) {
            String body = r.body() == null ? "" : r.body().string();
            if (!r.isSuccessful()) {
                throw new IOException("GET /api/v1/metrics -> " + r.code() + ": " + firstLine(body));
            }
            for (JsonNode group : json.readTree(body).path("data")) {
                JsonNode labels = group.path("labels");
                if (!job.equals(labels.path("job").asText()) || !context.runId().equals(labels.path("run_id").asText())
                        || labels.size() != 2) {
                    continue;
                }
                var names = group.fieldNames();
                while (names.hasNext()) {
                    String n = names.next();
                    JsonNode f = group.get(n);
                    if (f.isObject() && f.has("metrics") && !n.equals("push_time_seconds")
                            && !n.equals("push_failure_time_seconds")) {
                        found += f.get("metrics").size();
                    }
                }
            }
        }
        return Optional.of(new ReadBack(lastPushed, found, "GET /api/v1/metrics group job=" + job + ",run_id="
                + context.runId(), List.of()));
    }

    /** POSTed to {@code /metrics/job/<job>/scenario/<scenario>}: same-named families replaced, others kept. */
    @Override
    public void summary(MetricsSnapshot summary) throws IOException {
        String scenario = summary.samples().stream().filter(m -> m.name().equals("soak_last_run_info"))
                .map(m -> m.labels().getOrDefault("scenario", "")).findFirst().orElse("");
        Map<String, String> key = new LinkedHashMap<>();
        key.put("scenario", scenario);
        String url = base + GroupingKey.path(job, key);
        List<MetricSample> samples = summary.samples().stream().map(m -> {
            Map<String, String> l = new java.util.TreeMap<>(m.labels());
            l.remove("scenario"); // the grouping key's
            return new MetricSample(m.name(), m.help(), m.type(), l, m.value());
        }).toList();
        call(request(url).post(RequestBody.create(TextFormat.encode(samples), TEXT)).build(), "POST", url);
        context.metrics().increment("pushgateway_summary_posts");
    }

    boolean groupDeleted() {
        return groupDeleted;
    }

    private Request.Builder request(String url) {
        Request.Builder b = new Request.Builder().url(url);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private void call(Request request, String verb, String url) throws IOException {
        try (Response r = http.newCall(request).execute()) {
            if (!r.isSuccessful()) {
                throw new IOException(verb + " " + url + " -> " + r.code() + ": "
                        + firstLine(r.body() == null ? "" : r.body().string()));
            }
        }
    }

    private static String firstLine(String s) {
        String m = s.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        if (deleteOnFinish && lastPushed >= 0) {
            try {
                call(request(groupUrl).delete().build(), "DELETE", groupUrl);
                groupDeleted = true;
                context.metrics().increment("pushgateway_deletes");
            } catch (IOException | RuntimeException e) {
                LOG.warn("pushgateway: the finished run's group {} was not deleted: {}", groupUrl, e.getMessage());
            }
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        LOG.debug("pushgateway exporter for {} closed", groupUrl);
    }
}
