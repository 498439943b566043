package io.soak.dsl.internal;

import io.soak.api.plan.AlertRuleSpec;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code rule('name') { }} inside {@code alerts { }}: one rule's level, kind, timing and parameters. The
 * parameter setters ({@code threshold}, {@code minDecisions}, ...) store snake_case keys in the params map.
 */
public final class AlertRuleContext extends BlockContext {

    private static final Set<String> LEVELS = Set.of("critical", "warning", "info");

    private final String name;
    private String level;
    private String kind;
    private Duration forDuration;
    private Duration keepFiringFor;
    private boolean enabled;
    private final Map<String, Object> params = new TreeMap<>();
    private final int defineLine;

    AlertRuleContext(Evaluation eval, AlertRuleSpec std, int line) {
        super(eval, "soak.alerts.rule('" + std.name() + "')", "rule('" + std.name() + "') { }");
        this.name = std.name();
        this.level = std.level();
        this.kind = std.kind();
        this.forDuration = std.forDuration();
        this.keepFiringFor = std.keepFiringFor();
        this.enabled = std.enabled();
        this.params.putAll(std.params());
        this.defineLine = line;
    }

    AlertRuleContext(Evaluation eval, String name, int line) {
        super(eval, "soak.alerts.rule('" + name + "')", "rule('" + name + "') { }");
        this.name = name;
        this.level = "warning";
        this.kind = null;
        this.forDuration = Duration.ZERO;
        this.keepFiringFor = Duration.ZERO;
        this.enabled = true;
        this.defineLine = line;
    }

    void options(Map<String, Object> opts) {
        for (Map.Entry<String, Object> e : opts.entrySet()) {
            switch (e.getKey()) {
                case "kind" -> kind = kindOf(e.getValue());
                case "level" -> level = levelOf(e.getValue());
                case "for", "forDuration" -> forDuration = explicit("for", Values.nonNegativeDuration(field("forDuration"), e.getValue()));
                case "keepFiringFor" -> keepFiringFor = explicit("keep_firing_for",
                        Values.nonNegativeDuration(field("keepFiringFor"), e.getValue()));
                case "enabled" -> enabled = Values.bool(field("enabled"), e.getValue());
                default -> throw new DslError("unknown option '" + e.getKey() + ":' of soak.alerts.rule; known: enabled, for, keepFiringFor, kind, level");
            }
        }
    }

    /**
     * An explicit zero is also written as {@code params.for = '0s'} (or {@code keep_firing_for}): an
     * {@link AlertRuleSpec} cannot tell "zero" from "unset", and the alert engine fills unset durations from config.
     */
    private Duration explicit(String key, Duration d) {
        if (d.isZero()) {
            params.put(key, "0s");
        } else {
            params.remove(key);
        }
        return d;
    }

    void disabled() {
        enabled = false;
    }

    private String kindOf(Object v) {
        String k = Values.text(field("kind"), v).toLowerCase(Locale.ROOT);
        if (!Defaults.ALERT_KINDS.contains(k)) {
            throw new DslError(field("kind") + " must be one of " + String.join(", ", Defaults.ALERT_KINDS) + ", got " + Values.show(v));
        }
        return k;
    }

    private String levelOf(Object v) {
        String l = Values.text(field("level"), v).toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new DslError(field("level") + " must be 'critical', 'warning' or 'info', got " + Values.show(v));
        }
        return l;
    }

    /** {@code critical}, {@code warning} or {@code info}. */
    public void level(Object v) {
        enter("level");
        level = levelOf(v);
    }

    /** The condition: a standard rule name or {@code threshold}. */
    public void kind(Object v) {
        enter("kind");
        kind = kindOf(v);
    }

    /** How long the condition must hold before the rule fires (pending until then). */
    public void forDuration(Object v) {
        enter("forDuration");
        forDuration = explicit("for", Values.nonNegativeDuration(field("forDuration"), v));
    }

    /** How long the rule keeps firing after the condition cleared. */
    public void keepFiringFor(Object v) {
        enter("keepFiringFor");
        keepFiringFor = explicit("keep_firing_for", Values.nonNegativeDuration(field("keepFiringFor"), v));
    }

    public void enabled(Object v) {
        enter("enabled");
        enabled = Values.bool(field("enabled"), v);
    }

    /** Any parameter of the rule's kind (snake_case key). */
    public void param(Object key, Object value) {
        enter("param");
        String k = Values.text(field("param"), key);
        params.put(k, Values.plain(field("param") + "('" + k + "')", value));
    }

    private void number(String setting, Object v, boolean integral, double min) {
        enter(setting);
        Object n = integral ? (Object) Values.integer(field(setting), v) : (Object) Values.number(field(setting), v);
        if (((Number) n).doubleValue() < min) {
            throw new DslError(field(setting) + " must be >= " + (integral ? String.valueOf((long) min) : String.valueOf(min)) + ", got " + Values.show(v));
        }
        params.put(Values.snake(setting), n);
    }

    /** low_consistency: the share of decisions with low consistency above which the minute alerts (0..1). */
    public void threshold(Object v) {
        number("threshold", v, false, 0);
    }

    public void minDecisions(Object v) {
        number("minDecisions", v, true, 0);
    }

    public void trailing(Object v) {
        number("trailing", v, true, 1);
    }

    public void minMinutes(Object v) {
        number("minMinutes", v, true, 1);
    }

    public void minTotal(Object v) {
        number("minTotal", v, true, 0);
    }

    public void madK(Object v) {
        number("madK", v, false, 0);
    }

    public void floor(Object v) {
        number("floor", v, false, 0);
    }

    public void consecutive(Object v) {
        number("consecutive", v, true, 1);
    }

    /** threshold rules: the minute statistic compared, for example {@code strong_ratio}, {@code total}. */
    public void metric(Object v) {
        enter("metric");
        params.put("metric", Values.text(field("metric"), v));
    }

    /** threshold rules: fire when the statistic is below this value. */
    public void below(Object v) {
        enter("below");
        params.put("below", Values.number(field("below"), v));
    }

    /** threshold rules: fire when the statistic is above this value. */
    public void above(Object v) {
        enter("above");
        params.put("above", Values.number(field("above"), v));
    }

    /** threshold rules: which symbol's statistic ({@code all} by default). */
    public void symbol(Object v) {
        enter("symbol");
        params.put("symbol", Values.text(field("symbol"), v));
    }

    AlertRuleSpec build() {
        if (kind == null) {
            throw new DslError(defineLine, field("kind") + " is required for a rule that is not standard (for example kind: 'threshold'); standard rules: "
                    + String.join(", ", Defaults.standardAlerts().keySet()));
        }
        if (kind.equals("threshold")) {
            if (!params.containsKey("metric")) {
                throw new DslError(defineLine, path + " of kind 'threshold' needs metric '...' (a minute statistic such as 'strong_ratio')");
            }
            if (params.containsKey("below") == params.containsKey("above")) {
                throw new DslError(defineLine, path + " of kind 'threshold' needs exactly one of below or above");
            }
            params.putIfAbsent("symbol", "all");
        }
        if (params.get("threshold") instanceof Double t && kind.equals("low_consistency") && t > 1.0) {
            throw invalid("threshold", "is a share 0..1 (0.8 = 80 %), got " + t);
        }
        return new AlertRuleSpec(name, level, kind, forDuration, keepFiringFor, params, enabled);
    }
}
