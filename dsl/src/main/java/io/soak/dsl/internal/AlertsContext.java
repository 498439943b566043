package io.soak.dsl.internal;

import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import io.soak.api.plan.AlertRuleSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code alerts { }}: the alert rules (the standard six, tuned or disabled, plus rules of one's own). */
public final class AlertsContext extends BlockContext {

    private static final Pattern RULE_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final Map<String, AlertRuleContext> rules = new LinkedHashMap<>();

    AlertsContext(Evaluation eval) {
        super(eval, "soak.alerts", "alerts { }");
    }

    @Override
    String hint(String setting) {
        return switch (setting) {
            case "rule" -> "rule('low_consistency') { threshold 0.8 } or rule('mine', kind: 'threshold', level: 'warning') { metric 'strong_ratio'; below 0.05 }";
            case "disable" -> "disable 'data_dropped'";
            default -> null;
        };
    }

    /** Adds the six standard rules with their default parameters (rules already defined keep their settings). */
    public void standard() {
        enter("standard");
        int line = lineOf("standard");
        Defaults.standardAlerts().forEach((name, spec) -> rules.putIfAbsent(name, new AlertRuleContext(eval, spec, line)));
    }

    /** Removes every rule defined so far. */
    public void none() {
        enter("none");
        rules.clear();
    }

    /** Defines or tunes a rule; a standard rule's name starts from its defaults. */
    public void rule(Map<String, Object> opts, String name,
                     @DelegatesTo(value = AlertRuleContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        enter("rule");
        if (name == null || !RULE_NAME.matcher(name).matches()) {
            throw new DslError(field("rule") + " name must be lower case letters, digits and '_', got " + Values.show(name));
        }
        AlertRuleContext r = rules.get(name);
        if (r == null) {
            AlertRuleSpec std = Defaults.standardAlerts().get(name);
            r = std != null ? new AlertRuleContext(eval, std, lineOf("rule"))
                    : new AlertRuleContext(eval, name, lineOf("rule"));
            rules.put(name, r);
        }
        r.options(opts);
        open(r, body);
    }

    public void rule(String name, @DelegatesTo(value = AlertRuleContext.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        rule(Map.of(), name, body);
    }

    public void rule(Map<String, Object> opts, String name) {
        rule(opts, name, null);
    }

    public void rule(String name) {
        rule(Map.of(), name, null);
    }

    /** Keeps the named rules in the plan but disabled (recorded as such; they never fire). */
    public void disable(Object... names) {
        enter("disable");
        for (Object o : Values.flat(names)) {
            String n = Values.text(field("disable"), o);
            AlertRuleContext r = rules.get(n);
            if (r == null) {
                AlertRuleSpec std = Defaults.standardAlerts().get(n);
                if (std == null) {
                    throw new DslError(field("disable") + ": no rule " + Values.show(n) + " defined so far; known: "
                            + String.join(", ", rules.keySet()));
                }
                r = new AlertRuleContext(eval, std, lineOf("disable"));
                rules.put(n, r);
            }
            r.disabled();
        }
    }

    /**
     * The rules defined, and every standard rule not defined here as a disabled entry: the plan says explicitly
     * that it is off (a runtime that always loads the standard rules from config then keeps it off).
     */
    List<AlertRuleSpec> build() {
        List<AlertRuleSpec> out = new ArrayList<>();
        for (AlertRuleContext r : rules.values()) {
            out.add(r.build());
        }
        Defaults.standardAlerts().forEach((name, std) -> {
            if (!rules.containsKey(name)) {
                out.add(new AlertRuleSpec(std.name(), std.level(), std.kind(), std.forDuration(), std.keepFiringFor(),
                        std.params(), false));
            }
        });
        return out;
    }
}
