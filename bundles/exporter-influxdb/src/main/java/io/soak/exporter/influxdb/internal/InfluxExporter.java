package io.soak.exporter.influxdb.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import io.soak.api.export.ExporterContext;
import io.soak.api.export.MetricSample;
import io.soak.api.export.MetricsExporter;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.export.Preflight;
import io.soak.api.export.ReadBack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each snapshot as InfluxDB line protocol (measurement = metric family, tags = labels, field {@code value},
 * time in ms; encoded by influxdb-client-java's {@link Point}) with one synchronous HTTP call, after the preflight
 * identified the server and picked its write API:
 * <ul>
 *   <li><b>InfluxDB 1.x</b> ({@code /ping} answers with {@code X-Influxdb-Version: 1.*}):
 *       {@code POST /write?db=<db>&rp=<rp>&precision=ms}, optional secrets {@code username}/{@code password}
 *       (Basic). Needs option {@code db}; the preflight checks that the database exists.</li>
 *   <li><b>InfluxDB 2.x</b> ({@code X-Influxdb-Version: 2.*} or v2 {@code /health} JSON):
 *       {@code POST /api/v2/write?org=<org>&bucket=<bucket>&precision=ms}, secret {@code token}. Needs org, bucket and
 *       token.</li>
 *   <li><b>VictoriaMetrics</b> ({@code /health} answers {@code OK}, no InfluxDB version header): its InfluxDB v2
 *       write endpoint.</li>
 * </ul>
 * A server that is none of these, or a missing setting, fails the preflight with one line. A non-2xx answer (a
 * 1.x partial write, a type conflict, a 404) fails the export with the server's message, one line, no stack
 * trace. Read-back: 1.x {@code SELECT count(value)} per measurement, 2.x a Flux {@code count()}, VictoriaMetrics
 * {@code /api/v1/export} after {@code /internal/force_flush}, with the growth of its {@code vm_rows_ignored_total}
 * (by reason) as the server's reason for rows it dropped. Options: {@code db}, {@code rp}, {@code org},
 * {@code bucket}, {@code connect_timeout_ms} (2000), {@code call_timeout_ms} (5000), {@code read_back_timeout_ms}
 * (5000). Secrets are never logged.
 */
final class InfluxExporter implements MetricsExporter {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxExporter.class);
    private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");
    private static final Pattern IGNORED = Pattern.compile("^vm_rows_ignored_total\\{reason=\"([^\"]+)\"} (\\S+)$",
            Pattern.MULTILINE);

    enum Flavor { V1, V2, VICTORIAMETRICS }

    private final ExporterContext context;
    private final String url;
    private final Map<String, String> options;
    private final Map<String, String> secrets;
    private final long readBackTimeoutMs;
    private final OkHttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private Flavor flavor;
    private String version = "";
    private long written;
    private Map<String, Double> ignoredAtStart = Map.of();

    InfluxExporter(ExporterContext context) {
        this.context = context;
        this.options = context.spec().options();
        this.secrets = context.spec().secrets();
        String u = context.spec().url().strip();
        if (u.isEmpty()) {
            throw new IllegalArgumentException("time-series type 'influxdb' needs the server URL (timeseries url)");
        }
        this.url = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        long connect = Long.parseLong(options.getOrDefault("connect_timeout_ms", "2000"));
        long call = Long.parseLong(options.getOrDefault("call_timeout_ms", "5000"));
        this.readBackTimeoutMs = Long.parseLong(options.getOrDefault("read_back_timeout_ms", "5000"));
        this.http = new OkHttpClient.Builder().connectTimeout(connect, TimeUnit.MILLISECONDS)
                .callTimeout(call, TimeUnit.MILLISECONDS).retryOnConnectionFailure(false).build();
    }

    Flavor flavor() {
        return flavor;
    }

    @Override
    public Preflight preflight() {
        long t0 = System.nanoTime();
        String detail;
        boolean ok;
        try {
            detail = identify();
            ok = true;
        } catch (IOException | RuntimeException e) {
            detail = one(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            ok = false;
        }
        return new Preflight(ok, url, detail, (System.nanoTime() - t0) / 1_000_000L);
    }

    /** Identifies the server and checks the settings its write API needs; throws with one line when it cannot write. */
    private String identify() throws IOException {
        String pingVersion = null;
        int ping;
        try (Response r = http.newCall(get(url + "/ping").build()).execute()) {
            ping = r.code();
            pingVersion = r.header("X-Influxdb-Version");
        } catch (IOException e) {
            throw new IOException("GET " + url + "/ping: " + e.getClass().getSimpleName() + ": " + one(e.getMessage()));
        }
        String healthBody = "";
        int health;
        try (Response r = http.newCall(get(url + "/health").build()).execute()) {
            health = r.code();
            healthBody = r.body() == null ? "" : r.body().string().strip();
        }
        if (pingVersion == null && health == 200 && healthBody.startsWith("{")) {
            JsonNode h = json.readTree(healthBody);
            pingVersion = h.path("version").asText(null);
        }
        if (pingVersion != null && !pingVersion.isBlank()) {
            version = pingVersion.strip();
            String v = version.startsWith("v") ? version.substring(1) : version;
            if (v.startsWith("1.")) {
                flavor = Flavor.V1;
                String db = options.getOrDefault("db", "").strip();
                if (db.isEmpty()) {
                    throw new IOException("InfluxDB " + version + " at " + url
                            + " is 1.x: it needs option 'db' (the database; 1.x has no org/bucket)");
                }
                if (!databases().contains(db)) {
                    throw new IOException("InfluxDB " + version + " at " + url + " has no database '" + db
                            + "' (create it: CREATE DATABASE \"" + db + "\")");
                }
                return "InfluxDB " + version + " (1.x): POST /write?db=" + db
                        + (options.containsKey("rp") ? "&rp=" + options.get("rp") : "") + ", GET /ping -> " + ping;
            }
            if (v.startsWith("2.")) {
                flavor = Flavor.V2;
                List<String> missing = new ArrayList<>();
                for (String k : List.of("org", "bucket")) {
                    if (options.getOrDefault(k, "").isBlank()) {
                        missing.add("option '" + k + "'");
                    }
                }
                if (secrets.getOrDefault("token", "").isBlank()) {
                    missing.add("secret 'token'");
                }
                if (!missing.isEmpty()) {
                    throw new IOException("InfluxDB " + version + " at " + url + " is 2.x: it needs " + String.join(", ", missing));
                }
                return "InfluxDB " + version + " (2.x): POST /api/v2/write?org=" + options.get("org") + "&bucket="
                        + options.get("bucket");
            }
            throw new IOException("InfluxDB " + version + " at " + url + ": only 1.x and 2.x write APIs are known");
        }
        if (health == 200 && healthBody.equals("OK") && (ping == 204 || ping == 200)) {
            flavor = Flavor.VICTORIAMETRICS;
            version = "VictoriaMetrics";
            ignoredAtStart = ignoredRows();
            return "VictoriaMetrics (InfluxDB line protocol): POST /api/v2/write, GET /ping -> " + ping;
        }
        throw new IOException(url + " is not an InfluxDB 1.x/2.x or VictoriaMetrics server (GET /ping -> " + ping
                + " without X-Influxdb-Version, GET /health -> " + health + ")");
    }

    private List<String> databases() throws IOException {
        JsonNode r = query("SHOW DATABASES", null);
        List<String> out = new ArrayList<>();
        for (JsonNode v : r.path("results").path(0).path("series").path(0).path("values")) {
            out.add(v.path(0).asText());
        }
        return out;
    }

    private Request.Builder get(String u) {
        return auth(new Request.Builder().url(u).get());
    }

    private Request.Builder auth(Request.Builder b) {
        if (flavor == Flavor.V1 && secrets.containsKey("username")) {
            b.header("Authorization", Credentials.basic(secrets.get("username"), secrets.getOrDefault("password", "")));
        } else if (flavor != Flavor.V1 && secrets.containsKey("token") && !secrets.get("token").isBlank()) {
            b.header("Authorization", "Token " + secrets.get("token"));
        }
        return b;
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

    private HttpUrl writeUrl() {
        HttpUrl base = HttpUrl.get(url);
        return switch (flavor) {
            case V1 -> {
                HttpUrl.Builder b = base.newBuilder().addPathSegment("write").addQueryParameter("db", options.get("db"))
                        .addQueryParameter("precision", "ms");
                if (!options.getOrDefault("rp", "").isBlank()) {
                    b.addQueryParameter("rp", options.get("rp"));
                }
                yield b.build();
            }
            case V2, VICTORIAMETRICS -> base.newBuilder().addPathSegments("api/v2/write")
                    .addQueryParameter("org", options.getOrDefault("org", "soak"))
                    .addQueryParameter("bucket", options.getOrDefault("bucket", "soak"))
                    .addQueryParameter("precision", "ms").build();
        };
    }

    @Override
    public void export(MetricsSnapshot snapshot) throws IOException {
        if (flavor == null) {
            throw new IOException("the preflight did not identify " + url + " as an InfluxDB or VictoriaMetrics server");
        }
        List<Point> points = points(snapshot);
        if (points.isEmpty()) {
            return;
        }
        StringBuilder body = new StringBuilder(points.size() * 100);
        for (Point p : points) {
            body.append(p.toLineProtocol()).append('\n');
        }
        Request req = auth(new Request.Builder().url(writeUrl()).post(RequestBody.create(body.toString(), TEXT))).build();
        try (Response r = http.newCall(req).execute()) {
            if (!r.isSuccessful()) {
                String msg = r.body() == null ? "" : r.body().string();
                context.metrics().increment("influx_write_errors");
                throw new IOException("POST " + writeUrl().encodedPath() + " -> " + r.code() + ": " + serverMessage(msg));
            }
        }
        written += points.size();
        context.metrics().increment("influx_writes");
    }

    /** The server's message, one line: the {@code error} of an InfluxDB JSON body, else the first line. */
    private String serverMessage(String body) {
        String b = body == null ? "" : body.strip();
        if (b.startsWith("{")) {
            try {
                JsonNode n = json.readTree(b);
                if (n.hasNonNull("error")) {
                    return one(n.get("error").asText());
                }
                if (n.hasNonNull("message")) {
                    return one(n.get("message").asText());
                }
            } catch (IOException ignored) {
                // not JSON after all: the first line
            }
        }
        return b.isEmpty() ? "(empty body)" : one(b);
    }

    private static String one(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        t = nl < 0 ? t : t.substring(0, nl);
        return t.length() > 300 ? t.substring(0, 300) + "…" : t;
    }

    @Override
    public Optional<ReadBack> readBack() throws IOException {
        if (flavor == null) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + readBackTimeoutMs * 1_000_000L;
        ReadBack rb;
        // a store makes fresh points searchable within a moment: ask again (bounded) until all are found
        while (true) {
            rb = switch (flavor) {
                case V1 -> readBackV1();
                case V2 -> readBackV2();
                case VICTORIAMETRICS -> readBackVictoria();
            };
            if (rb.complete() || System.nanoTime() > deadline || !rb.rejections().isEmpty()) {
                return Optional.of(rb);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(rb);
            }
        }
    }

    private static String influxQlString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private ReadBack readBackV1() throws IOException {
        String q = "SELECT count(\"value\") FROM /^soak_/ WHERE \"run_id\" = " + influxQlString(context.runId());
        JsonNode r = query(q, options.get("db"));
        long found = 0;
        for (JsonNode series : r.path("results").path(0).path("series")) {
            for (JsonNode row : series.path("values")) {
                found += row.path(1).asLong();
            }
        }
        String err = r.path("results").path(0).path("error").asText("");
        return new ReadBack(written, found, "InfluxQL " + q, err.isEmpty() ? List.of() : List.of(err));
    }

    private JsonNode query(String q, String db) throws IOException {
        HttpUrl.Builder u = HttpUrl.get(url).newBuilder().addPathSegment("query").addQueryParameter("q", q)
                .addQueryParameter("epoch", "ms");
        if (db != null) {
            u.addQueryParameter("db", db);
            if (!options.getOrDefault("rp", "").isBlank()) {
                u.addQueryParameter("rp", options.get("rp"));
            }
        }
        try (Response r = http.newCall(get(u.build().toString()).build()).execute()) {
            String body = r.body() == null ? "" : r.body().string();
            if (!r.isSuccessful()) {
                throw new IOException("GET /query -> " + r.code() + ": " + serverMessage(body));
            }
            return json.readTree(body);
        }
    }

    /** InfluxDB 2.x: a Flux count of this run's points (no 2.x server is installable here: see the docs). */
    private ReadBack readBackV2() throws IOException {
        String flux = "from(bucket: \"" + options.get("bucket").replace("\"", "\\\"") + "\") |> range(start: 0)"
                + " |> filter(fn: (r) => r.run_id == \"" + context.runId().replace("\"", "\\\"") + "\" and r._field == \"value\")"
                + " |> group() |> count()";
        HttpUrl u = HttpUrl.get(url).newBuilder().addPathSegments("api/v2/query")
                .addQueryParameter("org", options.get("org")).build();
        Request req = auth(new Request.Builder().url(u).header("Accept", "application/csv")
                .post(RequestBody.create(flux, MediaType.get("application/vnd.flux")))).build();
        try (Response r = http.newCall(req).execute()) {
            String body = r.body() == null ? "" : r.body().string();
            if (!r.isSuccessful()) {
                throw new IOException("POST /api/v2/query -> " + r.code() + ": " + serverMessage(body));
            }
            long found = 0;
            String[] header = null;
            for (String line : body.split("\r?\n")) {
                String[] cols = line.split(",", -1);
                if (header == null) {
                    header = cols;
                    continue;
                }
                for (int i = 0; i < header.length && i < cols.length; i++) {
                    if (header[i].equals("_value") && !cols[i].isBlank()) {
                        found += Long.parseLong(cols[i].strip());
                    }
                }
            }
            return new ReadBack(written, found, "Flux " + flux, List.of());
        }
    }

    private ReadBack readBackVictoria() throws IOException {
        try (Response r = http.newCall(get(url + "/internal/force_flush").build()).execute()) {
            // best effort: makes fresh points searchable at once
        }
        String match = "{run_id=\"" + context.runId().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        HttpUrl u = HttpUrl.get(url).newBuilder().addPathSegments("api/v1/export").addQueryParameter("match[]", match)
                .build();
        long found = 0;
        try (Response r = http.newCall(get(u.toString()).build()).execute()) {
            String body = r.body() == null ? "" : r.body().string();
            if (!r.isSuccessful()) {
                throw new IOException("GET /api/v1/export -> " + r.code() + ": " + serverMessage(body));
            }
            for (String line : body.split("\n")) {
                if (!line.isBlank()) {
                    found += json.readTree(line).path("timestamps").size();
                }
            }
        }
        List<String> reasons = new ArrayList<>();
        if (found < written) {
            Map<String, Double> now = ignoredRows();
            now.forEach((reason, v) -> {
                double d = v - ignoredAtStart.getOrDefault(reason, 0.0);
                if (d > 0) {
                    reasons.add("vm_rows_ignored_total{reason=\"" + reason + "\"} +" + (long) d);
                }
            });
        }
        return new ReadBack(written, found, "GET /api/v1/export?match[]=" + match, reasons);
    }

    /** VictoriaMetrics' own counters of rows it dropped, by reason (its answer to a write is 204 regardless). */
    private Map<String, Double> ignoredRows() {
        Map<String, Double> m = new TreeMap<>();
        try (Response r = http.newCall(get(url + "/metrics").build()).execute()) {
            if (r.isSuccessful() && r.body() != null) {
                Matcher x = IGNORED.matcher(r.body().string());
                while (x.find()) {
                    m.put(x.group(1), Double.parseDouble(x.group(2)));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("VictoriaMetrics /metrics not readable: {}", e.toString());
        }
        return m;
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
