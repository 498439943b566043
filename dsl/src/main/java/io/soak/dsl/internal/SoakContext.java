package io.soak.dsl.internal;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import io.soak.api.plan.AlertRuleSpec;
import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code soak { }}: the scenario's top-level settings and blocks. */
public final class SoakContext extends BlockContext {

    static final Pattern COMPONENT = Pattern.compile("[a-z][a-z0-9_-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private String name;
    private Mode mode;
    private Pace pace;
    private Long seed;
    private Duration duration;
    private SourceContext source;
    private List<String> stages;
    private List<String> sinks;
    private HealthContext health;
    private RestartContext restart;
    private TimeseriesContext timeseries;
    private AlertsContext alerts;
    private FaultsContext faults;
    private ConfigContext config;
    private ClusterContext cluster;
    private String reportTimeZone;
    private ExpectContext expect;

    SoakContext(Evaluation eval) {
        super(eval, "soak", "soak { }");
    }

    @Override
    String hint(String setting) {
        return switch (setting) {
            case "duration" -> "duration 60.minutes";
            case "mode" -> "mode 'replay' (or 'live')";
            case "pace" -> "pace 'max' (or '1x', '20x')";
            case "stages" -> "stages 'harvest', 'signal', 'broker', 'report'";
            case "sinks", "sink" -> "sinks 'jsonl', 'sqlite' (or sink 'dual')";
            case "source", "health", "restart", "timeseries", "alerts", "faults", "config", "expect", "cluster" -> setting + " { ... }";
            default -> null;
        };
    }

    /** The scenario's name (default: the script's file name without {@code .groovy}). */
    public void name(Object v) {
        enter("name");
        String n = Values.text(field("name"), v);
        if (!NAME.matcher(n).matches()) {
            throw new DslError(field("name") + " may hold letters, digits, '.', '_' and '-', got " + Values.show(n));
        }
        name = n;
    }

    public void mode(Object v) {
        enter("mode");
        String m = Values.text(field("mode"), v).toLowerCase(Locale.ROOT);
        mode = switch (m) {
            case "live" -> Mode.LIVE;
            case "replay" -> Mode.REPLAY;
            default -> throw new DslError(field("mode") + " must be 'live' or 'replay', got " + Values.show(v));
        };
    }

    public void pace(Object v) {
        enter("pace");
        pace = parsePace(field("pace"), v);
    }

    static Pace parsePace(String field, Object v) {
        String t = Values.text(field, v);
        try {
            return Pace.parse(t);
        } catch (IllegalArgumentException e) {
            throw new DslError(field + " must be 'max' or a multiple such as '1x' or '20x', got " + Values.show(v));
        }
    }

    public void seed(Object v) {
        enter("seed");
        seed = Values.integer(field("seed"), v);
    }

    public void duration(Object v) {
        enter("duration");
        duration = Values.positiveDuration(field("duration"), v);
    }

    /** {@code minutes 60} is {@code duration 60.minutes}. */
    public void minutes(Object v) {
        enter("minutes");
        if (v instanceof Number n && n.doubleValue() <= 0) {
            throw new DslError(field("minutes") + " must be > 0, got " + Values.show(v));
        }
        duration = Values.positiveDuration(field("minutes"), DurationCategory.getMinutes(
                v instanceof Number n ? n : Values.number(field("minutes"), v)));
    }

    public void source(@DelegatesTo(value = SourceContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("source");
        if (source == null) {
            source = new SourceContext(eval);
        }
        open(source, body);
    }

    /** Stage kinds in pipeline order. */
    public void stages(Object... names) {
        enter("stages");
        List<String> out = new ArrayList<>();
        for (Object o : Values.flat(names)) {
            String s = Values.text(field("stages"), o);
            if (!COMPONENT.matcher(s).matches()) {
                throw new DslError(field("stages") + ": " + Values.show(s) + " is not a stage name (lower case letters, digits, '-', '_')");
            }
            if (out.contains(s)) {
                throw new DslError(field("stages") + " names " + Values.show(s) + " twice");
            }
            out.add(s);
        }
        if (out.isEmpty()) {
            throw new DslError(field("stages") + " must name at least one stage");
        }
        stages = out;
    }

    /** Sink types; {@code dual} is {@code jsonl} + {@code sqlite}, {@code none} is no sink. */
    public void sinks(Object... names) {
        enter("sinks");
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Object o : Values.flat(names)) {
            String s = Values.text(field("sinks"), o).toLowerCase(Locale.ROOT);
            switch (s) {
                case "dual" -> {
                    out.add("jsonl");
                    out.add("sqlite");
                }
                case "none" -> {
                    // no sink at all
                }
                default -> {
                    if (!COMPONENT.matcher(s).matches()) {
                        throw new DslError(field("sinks") + ": " + Values.show(o) + " is not a sink name");
                    }
                    out.add(s);
                }
            }
        }
        sinks = List.copyOf(out);
    }

    /** {@code sink 'dual'}: the same as {@code sinks 'dual'}. */
    public void sink(Object name) {
        enter("sink");
        sinks(name);
    }

    public void health(@DelegatesTo(value = HealthContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("health");
        if (health == null) {
            health = new HealthContext(eval);
        }
        open(health, body);
    }

    public void restart(@DelegatesTo(value = RestartContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("restart");
        if (restart == null) {
            restart = new RestartContext(eval);
        }
        open(restart, body);
    }

    public void timeseries(@DelegatesTo(value = TimeseriesContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("timeseries");
        if (timeseries == null) {
            timeseries = new TimeseriesContext(eval);
        }
        open(timeseries, body);
    }

    public void alerts(@DelegatesTo(value = AlertsContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("alerts");
        if (alerts == null) {
            alerts = new AlertsContext(eval);
        }
        open(alerts, body);
    }

    public void faults(@DelegatesTo(value = FaultsContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("faults");
        if (faults == null) {
            faults = new FaultsContext(eval);
        }
        open(faults, body);
    }

    public void config(@DelegatesTo(value = ConfigContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("config");
        if (config == null) {
            config = new ConfigContext(eval);
        }
        open(config, body);
    }

    /** IANA zone for times shown in reports (stored times stay UTC). */
    public void reportTimeZone(Object v) {
        enter("reportTimeZone");
        String z = Values.text(field("reportTimeZone"), v);
        try {
            reportTimeZone = ZoneId.of(z).getId();
        } catch (DateTimeException e) {
            throw new DslError(field("reportTimeZone") + " must be an IANA zone such as 'Asia/Tokyo' or 'UTC', got " + Values.show(v));
        }
    }

    /** {@code cluster { kafka 'host:port'; role 'signal', stages: [...] }}: the run on several nodes (docs/scale-out.md). */
    public void cluster(@DelegatesTo(value = ClusterContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("cluster");
        if (cluster == null) {
            cluster = new ClusterContext(eval);
        }
        open(cluster, body);
    }

    public void expect(@DelegatesTo(value = ExpectContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("expect");
        if (expect == null) {
            expect = new ExpectContext(eval);
        }
        open(expect, body);
    }

    /** Builds and checks the plan after the script ran. */
    ScenarioPlan build(String defaultName, String scriptHash) {
        Mode m = mode == null ? Mode.REPLAY : mode;
        Pace p;
        if (m == Mode.LIVE) {
            if (pace != null && !pace.equals(Pace.REALTIME)) {
                throw invalid("pace", "applies to replay only (live runs on the wall clock; to speed up a live feed set "
                        + "source { emulator { pace '" + pace + "' } }), got " + Values.show(pace.toString()));
            }
            p = Pace.REALTIME;
        } else {
            p = pace == null ? Pace.MAX : pace;
        }
        Duration d = duration == null ? Defaults.DURATION : duration;
        List<String> st = stages == null ? Defaults.STAGES : stages;
        List<String> sk = sinks == null ? Defaults.SINKS : sinks;
        SourceSpec src = (source == null ? new SourceContext(eval) : source).build(m);
        TimeseriesSpec ts = timeseries == null ? TimeseriesSpec.file() : timeseries.build();
        List<AlertRuleSpec> al = alerts == null ? List.copyOf(Defaults.standardAlerts().values()) : alerts.build();
        List<FaultSpec> fs = faults == null ? List.of() : faults.build(d, sk, ts.type());
        PlanChecks.faultTargets(fs, faults, st, sk, src);
        Map<String, Object> cfg = config == null ? Map.of() : config.build();
        if (cluster != null) {
            Map<String, Object> all = new java.util.TreeMap<>(cfg);
            all.putAll(cluster.build(st, m == Mode.REPLAY && p.max()));
            cfg = all;
        }
        List<Criterion> ex = expect == null ? List.of() : expect.build(st, sk, ts.type(), d, fs,
                m == Mode.LIVE && src.type().equals("binance-ws"));
        return new ScenarioPlan(name == null ? defaultName : name, eval.scriptFile, scriptHash, m, p,
                seed == null ? Defaults.SEED : seed, d, src, st, sk,
                health == null ? Defaults.HEALTH_INTERVAL : health.build(),
                restart == null ? RestartPolicy.defaults() : restart.build(), ts, al, fs, ex, cfg,
                reportTimeZone == null ? Defaults.REPORT_TZ : reportTimeZone);
    }
}
