package io.soak.exporter.influxdb.internal;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApi;
import com.influxdb.client.WriteOptions;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import com.influxdb.client.write.events.BackpressureEvent;
import com.influxdb.client.write.events.WriteErrorEvent;
import com.influxdb.client.write.events.WriteRetriableErrorEvent;
import com.influxdb.client.write.events.WriteSuccessEvent;
import io.soak.api.export.ExporterContext;
import io.soak.api.export.MetricSample;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each snapshot through one {@link WriteApi} for the whole run: a Point per sample, measurement = the
 * metric family, tags = the labels, field {@code value}, time = engine time in ms. The WriteApi batches
 * asynchronously; to keep the engine's per-minute accounting synchronous (and deterministic in simulation) an
 * export writes its points, flushes, and waits (bounded by {@code call_timeout_ms}) for the outcome event of
 * that one batch: success, or error (after the client's own retries, which are counted). The batch size and
 * flush interval are set so that only our flush ever sends. Counted in the engine-owned metrics
 * ({@code timeseries}): influx_writes, influx_write_errors, influx_retries, influx_backpressure. The token
 * comes only from {@code spec.secrets().token} and is never logged (the client's HTTP logging stays off).
 * Options: {@code org}, {@code bucket} (default {@code soak}), {@code connect_timeout_ms} (2000),
 * {@code call_timeout_ms} (5000), {@code max_retries} (2), {@code retry_interval_ms} (200).
 */
final class InfluxExporter implements MetricsExporter {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxExporter.class);

    private record Outcome(boolean ok, String error) {
    }

    private final ExporterContext context;
    private final String url;
    private final long callTimeoutMs;
    private final long connectTimeoutMs;
    private final InfluxDBClient client;
    private final WriteApi writeApi;
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

    InfluxExporter(ExporterContext context) {
        this.context = context;
        Map<String, String> o = context.spec().options();
        String u = context.spec().url().strip();
        if (u.isEmpty()) {
            throw new IllegalArgumentException("time-series type 'influxdb' needs the server URL (timeseries url)");
        }
        this.url = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        this.connectTimeoutMs = Long.parseLong(o.getOrDefault("connect_timeout_ms", "2000"));
        this.callTimeoutMs = Long.parseLong(o.getOrDefault("call_timeout_ms", "5000"));
        int maxRetries = Integer.parseInt(o.getOrDefault("max_retries", "2"));
        int retryIntervalMs = Integer.parseInt(o.getOrDefault("retry_interval_ms", "200"));
        InfluxDBClientOptions.Builder b = InfluxDBClientOptions.builder()
                .url(url)
                .org(o.getOrDefault("org", "soak"))
                .bucket(o.getOrDefault("bucket", "soak"))
                .okHttpClient(new OkHttpClient.Builder()
                        .connectTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS)
                        .callTimeout(callTimeoutMs, TimeUnit.MILLISECONDS)
                        .retryOnConnectionFailure(false));
        String token = context.spec().secrets().get("token");
        if (token != null && !token.isEmpty()) {
            b.authenticateToken(token.toCharArray());
        }
        this.client = InfluxDBClientFactory.create(b.build());
        this.writeApi = client.makeWriteApi(WriteOptions.builder()
                .batchSize(1_000_000)
                .bufferLimit(2_000_000)
                .flushInterval(Integer.MAX_VALUE)
                .jitterInterval(0)
                .maxRetries(maxRetries)
                .retryInterval(retryIntervalMs)
                .maxRetryDelay(Math.max(retryIntervalMs, 1000))
                .maxRetryTime((int) Math.max(callTimeoutMs, 1000))
                .exponentialBase(2)
                .build());
        writeApi.listenEvents(WriteSuccessEvent.class, e -> {
            context.metrics().increment("influx_writes");
            outcomes.add(new Outcome(true, ""));
        });
        writeApi.listenEvents(WriteErrorEvent.class, e -> {
            context.metrics().increment("influx_write_errors");
            outcomes.add(new Outcome(false, describe(e.getThrowable())));
        });
        writeApi.listenEvents(WriteRetriableErrorEvent.class, e -> context.metrics().increment("influx_retries"));
        writeApi.listenEvents(BackpressureEvent.class, e -> context.metrics().increment("influx_backpressure"));
    }

    private static String describe(Throwable t) {
        String status = t instanceof com.influxdb.exceptions.InfluxException ie && ie.status() > 0
                ? "HTTP " + ie.status() + " " : "";
        String msg = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip();
        String m = status + t.getClass().getSimpleName() + msg;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public Preflight preflight() {
        long t0 = System.nanoTime();
        String detail;
        int health = get("/health");
        if (health == 200) {
            return new Preflight(true, url, "GET /health -> 200", (System.nanoTime() - t0) / 1_000_000L);
        }
        int ping = get("/ping");
        detail = "GET /health -> " + code(health) + ", GET /ping -> " + code(ping);
        return new Preflight(ping == 204 || ping == 200, url, detail, (System.nanoTime() - t0) / 1_000_000L);
    }

    private static String code(int c) {
        return c < 0 ? "unreachable" : String.valueOf(c);
    }

    private int get(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url + path).toURL().openConnection();
            c.setConnectTimeout((int) connectTimeoutMs);
            c.setReadTimeout((int) callTimeoutMs);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static List<Point> points(MetricsSnapshot snapshot) {
        List<Point> points = new ArrayList<>(snapshot.samples().size());
        for (MetricSample s : snapshot.samples()) {
            if (Double.isNaN(s.value()) || Double.isInfinite(s.value())) {
                continue; // line protocol has no NaN/Inf
            }
            points.add(Point.measurement(s.name()).addTags(s.labels()).addField("value", s.value())
                    .time(snapshot.timeMs(), WritePrecision.MS));
        }
        return points;
    }

    @Override
    public void export(MetricsSnapshot snapshot) throws IOException {
        outcomes.clear();
        List<Point> points = points(snapshot);
        if (points.isEmpty()) {
            return;
        }
        writeApi.writePoints(points);
        writeApi.flush();
        Outcome o;
        try {
            o = outcomes.poll(callTimeoutMs * 2 + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the InfluxDB write");
        }
        if (o == null) {
            throw new IOException("no answer from " + url + " within " + (callTimeoutMs * 2 + 1000) + " ms");
        }
        if (!o.ok()) {
            throw new IOException("write to " + url + " failed: " + o.error());
        }
    }

    @Override
    public void close() {
        try {
            writeApi.flush();
            writeApi.close();
        } catch (RuntimeException e) {
            LOG.warn("influxdb exporter for {}: close failed: {}", url, describe(e));
        } finally {
            client.close();
        }
    }
}
