package io.soak.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.dsl.internal.Criteria;
import io.soak.dsl.internal.Defaults;
import io.soak.dsl.internal.ScriptEvaluator;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The implicit scenario of {@code soak run} without a script: the acceptance card's run contract
 * ({@code --config --enable --sink --minutes} plus {@code TIMESERIES_TYPE}, {@code TIMESERIES_URL},
 * {@code INFLUX_ORG}/{@code INFLUX_BUCKET}/{@code INFLUX_TOKEN}, {@code REPORT_TZ}, {@code V13_REPLAY_MODE})
 * turned into the same {@link ScenarioPlan} a script would give, with the card's criteria as expectations.
 * Every variable and default is documented in docs/scenarios.md ("The implicit scenario").
 */
public final class ImplicitScenario {

    /** How the implicit scenario is named in messages and in {@link ScenarioPlan#scriptFile()}. */
    public static final String FILE = "<flags>";

    private static final Pattern COMPONENT = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{2,30}");
    private static final List<String> PIPELINE = List.of("harvest", "signal", "broker", "report");

    private ImplicitScenario() {
    }

    /**
     * @param configFile the {@code --config} file (YAML, the format of config/defaults.yaml), or null; its values
     *                   become the plan's config overrides (flat dotted keys)
     * @param enable     the {@code --enable} stages (items may hold commas); null or empty means
     *                   harvest, signal, broker, report. Pipeline stages are put in pipeline order.
     * @param sink       {@code jsonl}, {@code sqlite} or {@code dual} (both); null means jsonl
     * @param minutes    the run's duration, > 0
     * @param env        the environment (variables listed above, plus the SOAK_* ones in docs/scenarios.md)
     * @throws ScenarioException with file {@code <flags>} for a bad flag or variable
     */
    public static ScenarioPlan fromFlags(Path configFile, List<String> enable, String sink, int minutes,
                                         Map<String, String> env) {
        Map<String, String> e = env == null ? Map.of() : env;
        if (minutes <= 0) {
            throw error("--minutes must be > 0, got " + minutes);
        }
        Duration duration = Duration.ofMinutes(minutes);
        List<String> stages = stages(enable);
        List<String> sinks = sinks(sink);
        Map<String, Object> config = configFile == null ? Map.of() : readConfig(configFile);

        String replayFlag = var(e, "V13_REPLAY_MODE");
        Mode mode;
        if (replayFlag == null || replayFlag.equals("0")) {
            mode = Mode.LIVE;
        } else if (replayFlag.equals("1")) {
            mode = Mode.REPLAY;
        } else {
            throw error("V13_REPLAY_MODE must be 0 (live) or 1 (replay), got '" + replayFlag + "'");
        }
        Pace pace = Pace.REALTIME;
        String paceVar = var(e, "SOAK_PACE");
        if (mode == Mode.REPLAY) {
            try {
                pace = paceVar == null ? Pace.MAX : Pace.parse(paceVar);
            } catch (IllegalArgumentException x) {
                throw error("SOAK_PACE must be 'max' or a multiple such as '1x' or '20x', got '" + paceVar + "'");
            }
        } else if (paceVar != null) {
            throw error("SOAK_PACE applies to replay (V13_REPLAY_MODE=1) only, got '" + paceVar + "'");
        }
        long seed = Defaults.SEED;
        String seedVar = var(e, "SOAK_SEED");
        if (seedVar != null) {
            try {
                seed = Long.parseLong(seedVar);
            } catch (NumberFormatException x) {
                throw error("SOAK_SEED must be an integer, got '" + seedVar + "'");
            }
        }
        SourceSpec source = source(mode, e);
        TimeseriesSpec ts = timeseries(e);
        String tz = var(e, "REPORT_TZ");
        if (tz == null) {
            tz = Defaults.REPORT_TZ;
        } else {
            try {
                tz = ZoneId.of(tz).getId();
            } catch (DateTimeException x) {
                throw error("REPORT_TZ must be an IANA zone such as 'Asia/Tokyo' or 'UTC', got '" + tz + "'");
            }
        }
        List<FaultSpec> faults = faults(stages, duration, e);
        List<Criterion> expectations = Criteria.acceptanceCard(stages, sinks, ts.type(), duration, faults, mode == Mode.LIVE);
        String hash = ScriptEvaluator.sha256(canonical(configFile, stages, sinks, minutes, e));
        return new ScenarioPlan("implicit", FILE, hash, mode, pace, seed, duration, source, stages, sinks,
                Defaults.HEALTH_INTERVAL, RestartPolicy.defaults(), ts, List.copyOf(Defaults.standardAlerts().values()),
                faults, expectations, config, tz);
    }

    private static ScenarioException error(String message) {
        return new ScenarioException(FILE, 0, message);
    }

    private static String var(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static List<String> stages(List<String> enable) {
        LinkedHashSet<String> given = new LinkedHashSet<>();
        if (enable != null) {
            for (String item : enable) {
                for (String s : item == null ? new String[0] : item.split(",")) {
                    String t = s.trim().toLowerCase(Locale.ROOT);
                    if (t.isEmpty()) {
                        continue;
                    }
                    if (!COMPONENT.matcher(t).matches()) {
                        throw error("--enable: '" + s.trim() + "' is not a stage name (harvest, signal, broker, report, ...)");
                    }
                    given.add(t);
                }
            }
        }
        if (given.isEmpty()) {
            return Defaults.STAGES;
        }
        List<String> out = new ArrayList<>();
        PIPELINE.stream().filter(given::contains).forEach(out::add);
        given.stream().filter(s -> !PIPELINE.contains(s)).forEach(out::add);
        return List.copyOf(out);
    }

    private static List<String> sinks(String sink) {
        if (sink == null || sink.isBlank()) {
            return Defaults.SINKS;
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String s : sink.split(",")) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("dual")) {
                out.add("jsonl");
                out.add("sqlite");
            } else if (!t.isEmpty()) {
                if (!COMPONENT.matcher(t).matches()) {
                    throw error("--sink must be jsonl, sqlite or dual, got '" + sink + "'");
                }
                out.add(t);
            }
        }
        if (out.isEmpty()) {
            throw error("--sink must be jsonl, sqlite or dual, got '" + sink + "'");
        }
        return List.copyOf(out);
    }

    private static List<String> list(String value, boolean upper) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            String t = s.trim();
            if (!t.isEmpty()) {
                out.add(upper ? t.toUpperCase(Locale.ROOT) : t);
            }
        }
        return out;
    }

    private static SourceSpec source(Mode mode, Map<String, String> env) {
        String symbolsVar = var(env, "SOAK_SYMBOLS");
        List<String> symbols = symbolsVar == null ? null : list(symbolsVar, true);
        if (symbols != null) {
            for (String s : symbols) {
                if (!SYMBOL.matcher(s).matches()) {
                    throw error("SOAK_SYMBOLS: '" + s + "' is not a symbol such as BTCUSDT");
                }
            }
            if (symbols.isEmpty()) {
                symbols = null;
            }
        }
        String streamsVar = var(env, "SOAK_STREAMS");
        List<String> streams = streamsVar == null ? null : list(streamsVar, false);
        if (mode == Mode.LIVE) {
            String endpoint = var(env, "SOAK_ENDPOINT");
            if (endpoint == null) {
                endpoint = Defaults.BINANCE_ENDPOINT;
            } else if (!endpoint.startsWith("ws://") && !endpoint.startsWith("wss://")) {
                throw error("SOAK_ENDPOINT must be a ws:// or wss:// URL, got '" + endpoint + "'");
            }
            return new SourceSpec("binance-ws", symbols == null ? Defaults.SYMBOLS : symbols,
                    streams == null ? Defaults.STREAMS : streams, endpoint, List.of(), false, Map.of(), Map.of(), Map.of());
        }
        String filesVar = var(env, "SOAK_CAPTURE_FILES");
        if (filesVar == null) {
            throw error("V13_REPLAY_MODE=1 replays capture files: set SOAK_CAPTURE_FILES=<file.gz>[,<file.gz>...]");
        }
        List<String> files = list(filesVar, false);
        if (symbols == null) {
            LinkedHashSet<String> fromNames = new LinkedHashSet<>();
            for (String f : files) {
                Path name = Path.of(f).getFileName();
                String n = name == null ? f : name.toString();
                int cut = n.indexOf('_') > 0 ? n.indexOf('_') : n.indexOf('.');
                String s = (cut > 0 ? n.substring(0, cut) : n).toUpperCase(Locale.ROOT);
                if (!SYMBOL.matcher(s).matches()) {
                    throw error("SOAK_CAPTURE_FILES: cannot tell the symbol of '" + f + "' from its name; set SOAK_SYMBOLS");
                }
                fromNames.add(s);
            }
            symbols = List.copyOf(fromNames);
        }
        return new SourceSpec("capture", symbols, streams == null ? List.of() : streams, "", files, true, Map.of(),
                Map.of(), Map.of());
    }

    private static TimeseriesSpec timeseries(Map<String, String> env) {
        String type = var(env, "TIMESERIES_TYPE");
        type = type == null ? "file" : type.toLowerCase(Locale.ROOT);
        if (!List.of("prometheus", "influxdb", "file", "none").contains(type)) {
            throw error("TIMESERIES_TYPE must be prometheus, influxdb, file or none, got '" + type + "'");
        }
        String url = var(env, "TIMESERIES_URL");
        if (type.equals("prometheus") || type.equals("influxdb")) {
            if (url == null) {
                url = type.equals("prometheus") ? "http://127.0.0.1:9091" : "http://127.0.0.1:8086";
            }
            try {
                URI u = new URI(url);
                if (u.getRawUserInfo() != null) {
                    throw error("TIMESERIES_URL must not hold credentials (set INFLUX_TOKEN)");
                }
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw error("TIMESERIES_URL must be an http:// or https:// URL with a host, got '" + url + "'");
                }
            } catch (URISyntaxException x) {
                throw error("TIMESERIES_URL is not a URL");
            }
        } else {
            url = "";
        }
        Map<String, String> options = new TreeMap<>();
        Map<String, String> secrets = new TreeMap<>();
        if (type.equals("influxdb")) {
            if (var(env, "INFLUX_ORG") != null) {
                options.put("org", var(env, "INFLUX_ORG"));
            }
            if (var(env, "INFLUX_BUCKET") != null) {
                options.put("bucket", var(env, "INFLUX_BUCKET"));
            }
            if (var(env, "INFLUX_TOKEN") != null) {
                secrets.put("token", var(env, "INFLUX_TOKEN"));
            }
            if (var(env, "INFLUX_DB") != null) {
                options.put("db", var(env, "INFLUX_DB"));
            }
        }
        if (type.equals("prometheus")) {
            options.put("job", "soak");
            String del = var(env, "TIMESERIES_DELETE_ON_FINISH");
            if (del != null) {
                if (!del.equals("true") && !del.equals("false")) {
                    throw error("TIMESERIES_DELETE_ON_FINISH must be true or false, got '" + del + "'");
                }
                options.put("delete_on_finish", del);
            }
        }
        String required = var(env, "TIMESERIES_REQUIRED");
        if (required != null && !required.equals("true") && !required.equals("false")) {
            throw error("TIMESERIES_REQUIRED must be true or false, got '" + required + "'");
        }
        return new TimeseriesSpec(type, url, "true".equals(required), options, secrets);
    }

    /** The card's fault: kill signal about minute 30 (at half the run when it is shorter than an hour). */
    private static List<FaultSpec> faults(List<String> stages, Duration duration, Map<String, String> env) {
        String f = var(env, "SOAK_FAULTS");
        if (f != null && !f.equals("none") && !f.equals("card")) {
            throw error("SOAK_FAULTS must be 'card' (kill signal about minute 30, the default) or 'none', got '" + f + "'");
        }
        if ("none".equals(f) || !stages.contains("signal") || duration.toMinutes() < 2) {
            return List.of();
        }
        Duration half = duration.dividedBy(2);
        Duration at = half.compareTo(Duration.ofMinutes(30)) < 0 ? half : Duration.ofMinutes(30);
        return List.of(new FaultSpec(at, "kill", "signal", Duration.ZERO, Map.of()));
    }

    private static Map<String, Object> readConfig(Path file) {
        if (!Files.isRegularFile(file)) {
            throw error("--config file not found: " + file);
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException x) {
            String msg = x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage().lines().findFirst().orElse("");
            throw error("--config " + file + " is not valid YAML: " + msg);
        }
        Map<String, Object> out = new TreeMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw error("--config " + file + " must be a YAML mapping (component: {key: value}), got a " + root.getNodeType());
        }
        flatten("", root, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
            if (f.getValue().isObject()) {
                flatten(key, f.getValue(), out);
            } else if (!f.getValue().isNull()) {
                out.put(key, scalar(f.getValue()));
            }
        }
    }

    private static Object scalar(JsonNode v) {
        if (v.isArray()) {
            List<Object> items = new ArrayList<>();
            v.forEach(x -> items.add(x.isObject() ? x.toString() : scalar(x)));
            return List.copyOf(items);
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return v.asText();
    }

    /** What identifies the run contract (the token is represented by whether it is set, never by its value). */
    private static String canonical(Path configFile, List<String> stages, List<String> sinks, int minutes,
                                    Map<String, String> env) {
        StringBuilder b = new StringBuilder("soak run");
        if (configFile != null) {
            b.append(" --config ").append(configFile);
            try {
                b.append(" (sha-256 ").append(ScriptEvaluator.sha256(Files.readString(configFile))).append(')');
            } catch (IOException x) {
                b.append(" (unreadable)");
            }
        }
        b.append(" --enable ").append(String.join(",", stages)).append(" --sink ").append(String.join(",", sinks))
                .append(" --minutes ").append(minutes).append('\n');
        for (String k : List.of("V13_REPLAY_MODE", "TIMESERIES_TYPE", "TIMESERIES_URL", "TIMESERIES_REQUIRED",
                "TIMESERIES_DELETE_ON_FINISH", "INFLUX_ORG", "INFLUX_BUCKET", "INFLUX_DB", "REPORT_TZ", "SOAK_CAPTURE_FILES", "SOAK_SYMBOLS", "SOAK_STREAMS", "SOAK_ENDPOINT",
                "SOAK_PACE", "SOAK_SEED", "SOAK_FAULTS")) {
            String v = var(env, k);
            if (v != null) {
                b.append(k).append('=').append(v).append('\n');
            }
        }
        b.append("INFLUX_TOKEN=").append(var(env, "INFLUX_TOKEN") == null ? "unset" : "set").append('\n');
        return b.toString();
    }
}
