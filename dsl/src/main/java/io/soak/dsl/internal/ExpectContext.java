package io.soak.dsl.internal;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code expect { }}: the acceptance criteria. Every helper is sugar for {@link Criterion}s over run-manifest
 * paths (see {@link Criteria}); {@code metric} is the general form. A criterion with the name of an earlier
 * one replaces it.
 */
public final class ExpectContext extends BlockContext {

    /** Marker returned by {@code exact()} for {@code parity exact()}. */
    public static final Object EXACT = new Object() {
        @Override
        public String toString() {
            return "exact()";
        }
    };

    /** Either a criterion or the deferred acceptance card (it depends on the plan's stages, sinks, faults). */
    private final List<Object> items = new ArrayList<>();
    private static final Object CARD = new Object();

    ExpectContext(Evaluation eval) {
        super(eval, "soak.expect", "expect { }");
    }

    @Override
    String hint(String setting) {
        return switch (setting) {
            case "healthGreenRatio" -> "healthGreenRatio atLeast: 0.98 (or healthGreenRatio 'signal', atLeast: 0.98)";
            case "restartWithin" -> "restartWithin 'signal', seconds: 12";
            case "maxRssMb" -> "maxRssMb below: 600";
            case "maxOpenFiles" -> "maxOpenFiles below: 256";
            case "latency" -> "latency 'p99', below: 50.millis (p50, p99, p999 or max)";
            case "maxThreads" -> "maxThreads below: 200";
            case "harvester" -> "harvester queueDropped: 0, substreamTimeout: false, reconnectsAtMost: 3";
            case "exports" -> "exports atLeast: 60, errors: 0";
            case "parity" -> "parity within: 0.5 (percent), or parity exact()";
            case "metric" -> "metric 'bus.topics.decision.published', '>', 0";
            case "published", "dropped" -> setting + " 'decision', atLeast: 1";
            case "minutesClosed" -> "minutesClosed atLeast: 60";
            case "waive" -> "waive 'book_synced', because: 'why this run need not meet it'";
            default -> null;
        };
    }

    private void add(Criterion c) {
        items.add(c);
    }

    /** The op and value of the map form: exactly one of below, atMost, atLeast, above, equals/is, not. */
    private Object[] comparison(String setting, Map<String, Object> opts, Set<String> others) {
        String op = null;
        Object value = null;
        for (Map.Entry<String, Object> e : opts.entrySet()) {
            String o = Criteria.COMPARATORS.get(e.getKey());
            if (o == null) {
                if (others.contains(e.getKey())) {
                    continue;
                }
                throw new DslError("unknown option '" + e.getKey() + ":' of " + field(setting) + "; known: "
                        + String.join(", ", known(others)));
            }
            if (op != null) {
                throw new DslError(field(setting) + " takes one comparison, got " + opts.keySet());
            }
            op = o;
            value = expected(setting, e.getValue());
        }
        if (op == null) {
            throw new DslError(field(setting) + " needs a comparison such as atLeast: or below:" + usage(setting));
        }
        return new Object[] {op, value};
    }

    private static List<String> known(Set<String> others) {
        TreeSet<String> all = new TreeSet<>(Criteria.COMPARATORS.keySet());
        all.addAll(others);
        return List.copyOf(all);
    }

    private Object expected(String setting, Object v) {
        if (v instanceof Duration d) {
            return d.toMillis();
        }
        return Values.plain(field(setting), v);
    }

    private static String stage(String field, Object v) {
        String s = Values.text(field, v);
        if (!SoakContext.COMPONENT.matcher(s).matches()) {
            throw new DslError(field + ": " + Values.show(v) + " is not a stage name");
        }
        return s;
    }

    /** {@code healthGreenRatio atLeast: 0.98}: share of green health checks ({@code health.green_ratio}). */
    public void healthGreenRatio(Map<String, Object> opts) {
        enter("healthGreenRatio");
        Object[] c = comparison("healthGreenRatio", opts, Set.of());
        add(Criteria.healthGreenRatio((String) c[0], c[1]));
    }

    /** {@code healthGreenRatio 'signal', atLeast: 0.98}: one stage ({@code health.per_stage.<stage>.green_ratio}). */
    public void healthGreenRatio(Map<String, Object> opts, Object stage) {
        enter("healthGreenRatio");
        Object[] c = comparison("healthGreenRatio", opts, Set.of());
        add(Criteria.stageGreenRatio(stage(field("healthGreenRatio"), stage), (String) c[0], c[1]));
    }

    /**
     * {@code restartWithin 'signal', seconds: 12} (or {@code restartWithin 'signal', 12.seconds}): the stage was
     * restarted and was running again within the time after every failure.
     */
    public void restartWithin(Map<String, Object> opts, Object stage) {
        enter("restartWithin");
        String s = stage(field("restartWithin"), stage);
        long ms;
        if (opts.size() == 1 && opts.containsKey("seconds")) {
            ms = Math.round(Values.number(field("restartWithin") + " seconds:", opts.get("seconds")) * 1000.0);
        } else if (opts.size() == 1 && opts.containsKey("ms")) {
            ms = Values.integer(field("restartWithin") + " ms:", opts.get("ms"));
        } else {
            throw new DslError(field("restartWithin") + " takes seconds: (or ms:), got " + opts.keySet() + usage("restartWithin"));
        }
        if (ms <= 0) {
            throw new DslError(field("restartWithin") + " must be > 0, got " + ms + " ms");
        }
        add(Criteria.restarted(s));
        add(Criteria.recoveryWithin(s, ms));
    }

    public void restartWithin(Object stage, Object within) {
        enter("restartWithin");
        String s = stage(field("restartWithin"), stage);
        add(Criteria.restarted(s));
        add(Criteria.recoveryWithin(s, Values.positiveDuration(field("restartWithin"), within).toMillis()));
    }

    /** {@code restarts 'signal', atLeast: 1}: {@code status.processes.<stage>.restart_count}. */
    public void restarts(Map<String, Object> opts, Object stage) {
        enter("restarts");
        String s = stage(field("restarts"), stage);
        Object[] c = comparison("restarts", opts, Set.of());
        add(Criteria.metric(s + "_restart_count", "status.processes." + s + ".restart_count", (String) c[0], c[1]));
    }

    /** {@code maxRssMb below: 600}: {@code resource_usage.max_rss_mb}. */
    public void maxRssMb(Map<String, Object> opts) {
        enter("maxRssMb");
        Object[] c = comparison("maxRssMb", opts, Set.of());
        add(Criteria.maxRssMb((String) c[0], c[1]));
    }

    /**
     * {@code latency 'p99', below: 50.millis}: {@code latency.total.p99_ms}, receive → a decision row committed in
     * every sink (wall ms). A number is taken as ms. Absent at max pace (no latency there), so it fails there.
     */
    public void latency(Map<String, Object> opts, Object percentile) {
        enter("latency");
        String p = Values.text(field("latency"), percentile);
        if (!Set.of("p50", "p99", "p999", "max").contains(p)) {
            throw new DslError(field("latency") + ": " + Values.show(percentile) + " is not one of p50, p99, p999, max"
                    + usage("latency"));
        }
        Object[] c = comparison("latency", opts, Set.of());
        add(Criteria.latency(p, (String) c[0], c[1]));
    }

    /** {@code maxOpenFiles below: 256}: {@code resource_usage.max_open_files}. */
    public void maxOpenFiles(Map<String, Object> opts) {
        enter("maxOpenFiles");
        Object[] c = comparison("maxOpenFiles", opts, Set.of());
        add(Criteria.maxOpenFiles((String) c[0], c[1]));
    }

    /** {@code maxThreads below: 200}: {@code resource_usage.max_threads}. */
    public void maxThreads(Map<String, Object> opts) {
        enter("maxThreads");
        Object[] c = comparison("maxThreads", opts, Set.of());
        add(Criteria.maxThreads((String) c[0], c[1]));
    }

    /** {@code shutdownOrder 'report', 'broker', 'signal', 'harvest'}: {@code shutdown.sequence} in that order. */
    public void shutdownOrder(Object... stages) {
        enter("shutdownOrder");
        List<String> out = new ArrayList<>();
        for (Object o : Values.flat(stages)) {
            out.add(stage(field("shutdownOrder"), o));
        }
        if (out.isEmpty()) {
            throw new DslError(field("shutdownOrder") + " must name the stages in their stop order");
        }
        add(Criteria.shutdownOrder(out));
    }

    /** {@code cleanShutdown()}: {@code shutdown.clean == true} and {@code shutdown.residual_total == 0}. */
    public void cleanShutdown() {
        enter("cleanShutdown");
        Criteria.cleanShutdown().forEach(this::add);
    }

    /**
     * {@code harvester queueDropped: 0, substreamTimeout: false, reconnectsAtMost: 3, parseErrors: 0,
     * lagP99MsBelow: 500}: the harvester SLOs in {@code harvester_metrics}.
     */
    public void harvester(Map<String, Object> opts) {
        enter("harvester");
        String f = field("harvester");
        if (opts.isEmpty()) {
            throw new DslError(f + " needs at least one SLO" + usage("harvester"));
        }
        for (Map.Entry<String, Object> e : opts.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "queueDropped" -> add(Criteria.queueDropped(nonNegative(f + " queueDropped:", v)));
                case "substreamTimeout" -> add(Criteria.substreamTimeout(Values.bool(f + " substreamTimeout:", v)));
                case "reconnectsAtMost" -> add(Criteria.reconnectsAtMost(nonNegative(f + " reconnectsAtMost:", v)));
                case "parseErrors" -> add(Criteria.parseErrorsAtMost(nonNegative(f + " parseErrors:", v)));
                case "lagP99MsBelow" -> add(Criteria.receiveLagP99Ms("<", expected("harvester", v)));
                default -> throw new DslError("unknown option '" + e.getKey() + ":' of " + f
                        + "; known: lagP99MsBelow, parseErrors, queueDropped, reconnectsAtMost, substreamTimeout");
            }
        }
    }

    private static long nonNegative(String field, Object v) {
        long n = Values.integer(field, v);
        if (n < 0) {
            throw new DslError(field + " must be >= 0, got " + n);
        }
        return n;
    }

    /** {@code exports atLeast: 60, errors: 0}: {@code timeseries_export.export_count} and {@code error_count}. */
    public void exports(Map<String, Object> opts) {
        enter("exports");
        String f = field("exports");
        if (opts.isEmpty()) {
            throw new DslError(f + " needs atLeast: and/or errors:" + usage("exports"));
        }
        for (Map.Entry<String, Object> e : opts.entrySet()) {
            switch (e.getKey()) {
                case "atLeast" -> add(Criteria.exportsAtLeast(nonNegative(f + " atLeast:", e.getValue())));
                case "errors" -> add(Criteria.exportErrorsAtMost(nonNegative(f + " errors:", e.getValue())));
                default -> throw new DslError("unknown option '" + e.getKey() + ":' of " + f + "; known: atLeast, errors");
            }
        }
    }

    /** {@code parity within: 0.5}: total/confirm/strong_ratio differences between the sinks below that percent. */
    public void parity(Map<String, Object> opts) {
        enter("parity");
        if (opts.size() != 1 || !opts.containsKey("within")) {
            throw new DslError(field("parity") + " takes within: (percent) or exact(), got " + opts.keySet());
        }
        double pct = Values.number(field("parity") + " within:", opts.get("within"));
        if (pct <= 0 || pct > 100) {
            throw new DslError(field("parity") + " within: must be a percent in (0, 100], got " + Values.show(opts.get("within")));
        }
        Criteria.parityWithin(pct).forEach(this::add);
    }

    /** {@code parity exact()} (also plain {@code parity()}): the two sinks hold exactly the same rows. */
    public void parity(Object how) {
        enter("parity");
        if (how != EXACT) {
            throw new DslError(field("parity") + " takes within: (percent) or exact(), got " + Values.show(how));
        }
        add(Criteria.parityExact());
    }

    public void parity() {
        parity(EXACT);
    }

    /** Used as {@code parity exact()}. */
    public Object exact() {
        return EXACT;
    }

    /** {@code alertFired 'no_signals'}: {@code alerts.fired_rules} contains the rule. */
    public void alertFired(Object... rules) {
        enter("alertFired");
        for (Object r : Values.flat(rules)) {
            add(Criteria.alertFired(Values.text(field("alertFired"), r)));
        }
    }

    /** {@code alertResolved 'no_signals'}: {@code alerts.resolved_rules} contains the rule. */
    public void alertResolved(Object... rules) {
        enter("alertResolved");
        for (Object r : Values.flat(rules)) {
            add(Criteria.alertResolved(Values.text(field("alertResolved"), r)));
        }
    }

    /** {@code brokerInvariants()}: {@code broker.invariants_ok == true}. */
    public void brokerInvariants() {
        enter("brokerInvariants");
        add(Criteria.brokerInvariants());
    }

    /** {@code minutesClosed atLeast: 60}: {@code minutes.closed}. */
    public void minutesClosed(Map<String, Object> opts) {
        enter("minutesClosed");
        Object[] c = comparison("minutesClosed", opts, Set.of());
        add(Criteria.minutesClosed((String) c[0], c[1]));
    }

    /** {@code published 'decision', atLeast: 1}: {@code bus.topics.<topic>.published}. */
    public void published(Map<String, Object> opts, Object topic) {
        enter("published");
        Object[] c = comparison("published", opts, Set.of());
        add(Criteria.published(topicName(field("published"), topic), (String) c[0], c[1]));
    }

    /** {@code dropped 'market', atMost: 0}: {@code bus.topics.<topic>.dropped}. */
    public void dropped(Map<String, Object> opts, Object topic) {
        enter("dropped");
        Object[] c = comparison("dropped", opts, Set.of());
        add(Criteria.dropped(topicName(field("dropped"), topic), (String) c[0], c[1]));
    }

    private static String topicName(String field, Object v) {
        String t = Values.text(field, v);
        if (!t.matches("[A-Za-z0-9_-]+")) {
            throw new DslError(field + ": " + Values.show(v) + " is not a topic name");
        }
        return t;
    }

    /**
     * The general form: {@code metric 'bus.topics.decision.published', '>', 0} over any run-manifest path;
     * {@code name:} names the criterion (default: the path with '.' as '_').
     */
    public void metric(Map<String, Object> opts, Object path, Object op, Object value) {
        enter("metric");
        for (String k : opts.keySet()) {
            if (!k.equals("name") && !k.equals("description")) {
                throw new DslError("unknown option '" + k + ":' of " + field("metric") + "; known: description, name");
            }
        }
        String p = Values.text(field("metric"), path);
        if (!p.matches("[A-Za-z0-9_@-]+(\\.[A-Za-z0-9_@-]+)*")) {
            throw new DslError(field("metric") + " path must be a dotted run-manifest path such as 'health.green_ratio', got " + Values.show(path));
        }
        String o = Values.text(field("metric") + " operator", op);
        if (!Criteria.OPS.contains(o)) {
            throw new DslError(field("metric") + " operator must be one of ==, !=, <, <=, >, >=, contains, in_order, got " + Values.show(op));
        }
        Object expected = expected("metric", value);
        if (o.equals("in_order") && !(expected instanceof List)) {
            throw new DslError(field("metric") + " in_order needs a list, got " + Values.show(value));
        }
        String name = opts.containsKey("name") ? Values.text(field("metric") + " name:", opts.get("name")) : Criteria.nameOf(p);
        Criterion c = Criteria.metric(name, p, o, expected);
        if (opts.containsKey("description")) {
            c = new Criterion(c.name(), c.path(), c.op(), c.expected(), Values.text(field("metric") + " description:", opts.get("description")));
        }
        add(c);
    }

    public void metric(Object path, Object op, Object value) {
        metric(Map.of(), path, op, value);
    }

    /** {@code metric 'minutes.closed', atLeast: 60}. */
    public void metric(Map<String, Object> opts, Object path) {
        enter("metric");
        Map<String, Object> naming = new LinkedHashMap<>();
        Map<String, Object> cmp = new LinkedHashMap<>();
        opts.forEach((k, v) -> (k.equals("name") || k.equals("description") ? naming : cmp).put(k, v));
        Object[] c = comparison("metric", cmp, Set.of("name", "description"));
        metric(naming, path, c[0], c[1]);
    }

    /**
     * {@code waive 'book_synced', because: 'the feed serves partial depth only'}: takes a baseline criterion (or
     * a family: {@code substream} waives every {@code substream.<symbol@stream>}) out of the verdict for this
     * scenario. The criterion is still evaluated and listed, marked waived with the reason; the waiver is in the
     * manifest's plan. Names: run_completed, messages_handled, substream, decisions, book_synced, live_connected,
     * evidence_consistent (optionally {@code .<member>}, for example {@code book_synced.BTCUSDT}).
     */
    public void waive(Map<String, Object> opts, Object name) {
        enter("waive");
        String f = field("waive");
        String n = Values.text(f, name);
        String family = n.contains(".") ? n.substring(0, n.indexOf('.')) : n;
        if (!Criteria.BASELINE.contains(family) || n.endsWith(".")) {
            throw new DslError(f + ": unknown baseline criterion " + Values.show(name) + "; known: "
                    + String.join(", ", Criteria.BASELINE));
        }
        for (String k : opts.keySet()) {
            if (!k.equals("because")) {
                throw new DslError("unknown option '" + k + ":' of " + f + "; known: because");
            }
        }
        Object why = opts.get("because");
        String reason = why == null ? "" : Values.text(f + " because:", why).strip();
        if (reason.isEmpty()) {
            throw new DslError(f + " " + Values.show(name) + " needs because: 'the reason'" + usage("waive"));
        }
        add(Criteria.waiver(n, reason));
    }

    public void waive(Object name) {
        waive(Map.of(), name);
    }

    /**
     * {@code acceptanceCard()}: every criterion of the acceptance card that applies to this plan (health, exports,
     * dual-sink parity, harvester SLOs, resources, shutdown, recovery of killed stages, broker invariants).
     * Helpers after it override same-named criteria.
     */
    public void acceptanceCard() {
        enter("acceptanceCard");
        items.add(CARD);
    }

    /** Removes every criterion added so far. */
    public void none() {
        enter("none");
        items.clear();
    }

    List<Criterion> build(List<String> stages, List<String> sinks, String tsType, Duration duration, List<FaultSpec> faults,
                          boolean webSocket) {
        Map<String, Criterion> out = new LinkedHashMap<>();
        for (Object item : items) {
            if (item == CARD) {
                Criteria.acceptanceCard(stages, sinks, tsType, duration, faults, webSocket).forEach(c -> out.put(c.name(), c));
            } else {
                Criterion c = (Criterion) item;
                out.put(c.name(), c);
            }
        }
        return List.copyOf(out.values());
    }
}
