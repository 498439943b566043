package io.soak.dsl.internal;

import io.soak.api.plan.FaultSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code faults { }}: faults the engine injects at offsets from the run's start, for example
 * {@code at 30.minutes, kill: 'signal'} or {@code at 10.minutes, feed: 'stall', target: 'btcusdt@trade', for: 200.seconds}.
 */
public final class FaultsContext extends BlockContext {

    /** Every fault kind the plan may hold. */
    public static final List<String> KINDS = List.of("kill", "crash", "hang", "swap", "feed-drop", "feed-stall",
            "feed-latency", "feed-corrupt", "feed-gap", "timeseries-outage", "slow-sink");
    /** Kinds that last a while and need {@code for:}. */
    static final Set<String> LASTING = Set.of("hang", "feed-stall", "feed-latency", "feed-gap", "timeseries-outage", "slow-sink");
    private static final Set<String> STAGE_KEYS = Set.of("kill", "crash", "hang", "swap");
    private static final Set<String> FEED = Set.of("drop", "stall", "latency", "corrupt", "gap");

    private record Entry(FaultSpec spec, int line) {
    }

    private final List<Entry> entries = new ArrayList<>();

    FaultsContext(Evaluation eval) {
        super(eval, "soak.faults", "faults { }");
    }

    @Override
    String hint(String setting) {
        return "at" .equals(setting) ? "at 30.minutes, kill: 'signal' (see docs/scenarios.md for every fault kind)" : null;
    }

    /** Schedules one fault; the map names its kind and target (see docs/scenarios.md). */
    public void at(Map<String, Object> opts, Object when) {
        enter("at");
        String f = field("at");
        Duration at = Values.nonNegativeDuration(f, when);
        Map<String, Object> rest = new LinkedHashMap<>(opts);
        String kind = null;
        String target = null;
        List<String> kindKeys = new ArrayList<>();
        for (String k : List.of("kill", "crash", "hang", "swap", "feed", "timeseries", "slow", "kind")) {
            if (rest.containsKey(k)) {
                kindKeys.add(k);
            }
        }
        if (kindKeys.size() != 1) {
            throw new DslError(f + " " + Values.format(at) + " needs exactly one of kill:, crash:, hang:, swap:, feed:, timeseries:, slow: or kind:, got "
                    + (kindKeys.isEmpty() ? "none" : String.join(", ", kindKeys)));
        }
        String key = kindKeys.get(0);
        Object value = rest.remove(key);
        String text = Values.text(f + " " + key + ":", value);
        if (STAGE_KEYS.contains(key)) {
            kind = key;
            target = text;
        } else if (key.equals("feed")) {
            String what = text.toLowerCase(Locale.ROOT);
            if (!FEED.contains(what)) {
                throw new DslError(f + " feed: must be one of drop, stall, latency, corrupt, gap, got " + Values.show(value));
            }
            kind = "feed-" + what;
        } else if (key.equals("timeseries")) {
            if (!text.equalsIgnoreCase("outage")) {
                throw new DslError(f + " timeseries: must be 'outage', got " + Values.show(value));
            }
            kind = "timeseries-outage";
            target = "timeseries";
        } else if (key.equals("slow")) {
            kind = "slow-sink";
            target = text;
        } else {
            kind = text.toLowerCase(Locale.ROOT);
            if (!KINDS.contains(kind)) {
                throw new DslError(f + " kind: " + Values.show(value) + " is not a fault kind; known: " + String.join(", ", KINDS));
            }
        }
        if (rest.containsKey("target")) {
            if (target != null && !key.equals("timeseries") && !key.equals("kind")) {
                throw new DslError(f + " " + key + ": already names the target " + Values.show(target) + "; drop target:");
            }
            target = Values.text(f + " target:", rest.remove("target"));
        }
        if (target == null && kind.equals("timeseries-outage")) {
            target = "timeseries";
        }
        if (target == null) {
            if (STAGE_KEYS.contains(kind) || kind.equals("slow-sink") || kind.equals("feed-stall") || kind.equals("feed-gap")) {
                throw new DslError(f + " " + kind + " needs a target: (" + (kind.startsWith("feed") ? "a stream such as 'btcusdt@trade'" : "a stage or sink") + ")");
            }
            target = "";
        }
        Duration lasting = Duration.ZERO;
        if (rest.containsKey("for")) {
            lasting = Values.positiveDuration(f + " for:", rest.remove("for"));
        } else if (LASTING.contains(kind)) {
            throw new DslError(f + " " + kind + " needs for: (how long it lasts, for example for: 20.seconds)");
        }
        Map<String, Object> params = new TreeMap<>();
        for (Map.Entry<String, Object> e : rest.entrySet()) {
            String k = Values.snake(e.getKey());
            Object v = e.getValue();
            if (v instanceof Duration d) {
                // durations become integral milliseconds, the unit in the key: latency: 500.millis → ms = 500
                params.put(k.equals("latency") ? "ms" : k.endsWith("_ms") || k.equals("ms") ? k : k + "_ms", d.toMillis());
            } else {
                params.put(k, Values.plain(f + " " + e.getKey() + ":", v));
            }
        }
        if (kind.equals("swap") && !(params.get("jar") instanceof String)) {
            throw new DslError(f + " swap needs jar: 'path/to/new-bundle.jar'");
        }
        if (kind.equals("feed-latency") && !params.containsKey("ms")) {
            throw new DslError(f + " feed-latency needs latency: (for example latency: 500.millis)");
        }
        entries.add(new Entry(new FaultSpec(at, kind, target, lasting, params), lineOf("at")));
    }

    /** The script line of a fault built here (identity), or the block's line. */
    int lineOf(FaultSpec spec) {
        for (Entry e : entries) {
            if (e.spec() == spec) {
                return e.line();
            }
        }
        return openLine;
    }

    /**
     * The plan's faults, refusing (with the line) what nothing in this plan can carry out: a fault at or after
     * the end, a {@code slow:} target that is not one of the plan's sinks, a {@code swap} jar that does not
     * exist (relative paths: the script's directory, then the working directory; the plan holds the absolute
     * path), a {@code timeseries: 'outage'} when the plan exports nowhere ({@code timeseries type 'none'}).
     */
    List<FaultSpec> build(Duration runDuration, List<String> sinks, String timeseriesType) {
        List<FaultSpec> out = new ArrayList<>();
        for (Entry e : entries) {
            FaultSpec s = e.spec();
            String what = field("at") + " " + Values.format(s.at());
            if (s.kind().equals("slow-sink") && !sinks.contains(s.target())) {
                throw new DslError(e.line(), what + " slow: " + Values.show(s.target()) + " is not a sink of this plan (sinks "
                        + String.join(", ", sinks) + ")");
            }
            if (s.kind().equals("timeseries-outage") && "none".equals(timeseriesType)) {
                throw new DslError(e.line(), what + " timeseries: 'outage' needs a time-series target, and this plan has "
                        + "timeseries type 'none'");
            }
            if (s.kind().equals("swap")) {
                s = withJar(s, e.line(), what);
            }
            if (s.at().compareTo(runDuration) >= 0) {
                throw new DslError(e.line(), field("at") + " " + Values.format(s.at()) + " (" + s.kind()
                        + (s.target().isEmpty() ? "" : " " + s.target()) + ") must be before the end of the run (soak.duration "
                        + Values.format(runDuration) + ")");
            }
            out.add(s);
        }
        out.sort(java.util.Comparator.comparing(FaultSpec::at));
        return out;
    }

    private FaultSpec withJar(FaultSpec s, int line, String what) {
        String jar = String.valueOf(s.params().get("jar"));
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(jar);
        } catch (java.nio.file.InvalidPathException x) {
            throw new DslError(line, what + " swap jar: " + Values.show(jar) + " is not a valid path");
        }
        List<java.nio.file.Path> tried = new ArrayList<>();
        if (p.isAbsolute()) {
            tried.add(p);
        } else {
            if (eval.scriptDir != null) {
                tried.add(eval.scriptDir.resolve(p));
            }
            tried.add(java.nio.file.Path.of("").toAbsolutePath().resolve(p));
        }
        for (java.nio.file.Path t : tried) {
            if (java.nio.file.Files.isRegularFile(t)) {
                Map<String, Object> params = new TreeMap<>(s.params());
                params.put("jar", t.toAbsolutePath().normalize().toString());
                return new FaultSpec(s.at(), s.kind(), s.target(), s.duration(), params);
            }
        }
        throw new DslError(line, what + " swap jar: " + Values.show(jar) + " does not exist (looked in "
                + String.join(", ", tried.stream().map(t -> t.toAbsolutePath().normalize().getParent().toString()).distinct().toList())
                + ")");
    }
}
