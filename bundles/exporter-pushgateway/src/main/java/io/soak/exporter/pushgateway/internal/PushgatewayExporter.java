package io.soak.exporter.pushgateway.internal;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * whole group, so the group always holds exactly the last snapshot). At the end of the run either the final PUT
 * carries {@code soak_run_finished 1} (default) or, with option {@code delete_on_finish=true}, the group is then
 * deleted. Options: {@code job} (default {@code soak}), {@code connect_timeout_ms} (2000),
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
        this.deleteOnFinish = Boolean.parseBoolean(o.getOrDefault("delete_on_finish", "false"));
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

    @Override
    public void export(MetricsSnapshot snapshot) throws IOException {
        String body = TextFormat.encode(snapshot.samples());
        call(request(groupUrl).put(RequestBody.create(body, TEXT)).build(), "PUT");
        context.metrics().increment("pushgateway_puts");
        if (snapshot.last() && deleteOnFinish) {
            call(request(groupUrl).delete().build(), "DELETE");
            context.metrics().increment("pushgateway_deletes");
        }
    }

    private Request.Builder request(String url) {
        Request.Builder b = new Request.Builder().url(url);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private void call(Request request, String verb) throws IOException {
        try (Response r = http.newCall(request).execute()) {
            if (!r.isSuccessful()) {
                String msg = r.body() == null ? "" : r.body().string().strip();
                int nl = msg.indexOf('\n');
                throw new IOException(verb + " " + groupUrl + " -> " + r.code() + ": "
                        + (nl < 0 ? msg : msg.substring(0, nl)));
            }
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        LOG.debug("pushgateway exporter for {} closed", groupUrl);
    }
}
