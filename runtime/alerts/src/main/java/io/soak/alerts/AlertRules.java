package io.soak.alerts;

import io.soak.api.plan.AlertRuleSpec;
import io.soak.api.stage.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the rules of a run. The plan's rule list is authoritative (a scenario without an {@code alerts} block
 * gets the six standard rules from the DSL; {@code alerts { none() }} gets none). Each rule's parameters are
 * config's {@code alerts.<rule>.<key>} (config/defaults.yaml) overlaid by the plan rule's own params; level,
 * {@code for}, {@code keep_firing_for} and {@code enabled} are the plan rule's. Hand-built plans (tests) can
 * take {@link #standardSpecs(Settings)}.
 */
public final class AlertRules {

    public static final List<String> STANDARD = List.of("no_signals", "low_consistency", "strong_ratio_collapse",
            "export_failing", "data_dropped", "stage_unhealthy");
    private static final java.util.Set<String> TIMING = java.util.Set.of("level", "for", "keep_firing_for", "enabled");

    private AlertRules() {
    }

    /** The six standard rules of DOMAIN.md 6, tuned by config {@code alerts.<rule>.*}. */
    public static List<AlertRuleSpec> standardSpecs(Settings settings) {
        Settings alerts = settings.scope("alerts");
        List<AlertRuleSpec> out = new ArrayList<>();
        for (String name : STANDARD) {
            Settings s = alerts.scope(name);
            Map<String, Object> params = new java.util.HashMap<>(s.values());
            params.keySet().removeAll(TIMING);
            out.add(new AlertRuleSpec(name, s.string("level", defaultLevel(name)), name,
                    Durations.parse("alerts." + name + ".for", s.get("for").orElse(defaultFor(name))),
                    Durations.parse("alerts." + name + ".keep_firing_for", s.get("keep_firing_for").orElse("0s")),
                    params, s.flag("enabled", true)));
        }
        return out;
    }

    /**
     * @param settings the effective config, flat dotted keys (only {@code alerts.*} is read)
     * @param specs    the plan's alert rules: exactly the rules of the run
     */
    public static List<AlertRule> build(Settings settings, List<AlertRuleSpec> specs) {
        Settings alerts = settings.scope("alerts");
        Map<String, AlertRule> out = new LinkedHashMap<>();
        for (AlertRuleSpec spec : specs) {
            boolean standardName = STANDARD.contains(spec.name());
            String kind = spec.kind() == null || spec.kind().isBlank()
                    ? (standardName ? spec.name() : "threshold") : spec.kind();
            Map<String, Object> params = new java.util.HashMap<>();
            if (standardName && kind.equals(spec.name())) {
                params.putAll(alerts.scope(spec.name()).values());
                params.keySet().removeAll(TIMING);
            }
            params.putAll(spec.params());
            String level = spec.level() == null || spec.level().isBlank()
                    ? alerts.scope(spec.name()).string("level", standardName ? defaultLevel(spec.name()) : "warning")
                    : spec.level();
            if (out.containsKey(spec.name())) {
                throw new IllegalArgumentException("alert rule '" + spec.name() + "' defined twice");
            }
            out.put(spec.name(), rule(spec.name(), kind, level, spec.forDuration(), spec.keepFiringFor(), params,
                    spec.enabled()));
        }
        return new ArrayList<>(out.values());
    }

    private static String defaultLevel(String name) {
        return name.equals("no_signals") || name.equals("stage_unhealthy") ? "critical" : "warning";
    }

    private static String defaultFor(String name) {
        return name.equals("no_signals") ? "2m" : "0s";
    }

    static AlertRule rule(String name, String kind, String level, Duration forD, Duration kff, Map<String, Object> raw,
                          boolean enabled) {
        Settings p = new Settings(raw);
        String where = "alert rule '" + name + "'";
        AlertCondition c;
        try {
            c = switch (kind) {
                case "no_signals" -> new AlertCondition.NoSignals(p.string("symbol", "all"));
                case "low_consistency" -> new AlertCondition.LowConsistency(p.decimal("threshold", 0.80),
                        p.integer("min_decisions", 20));
                case "strong_ratio_collapse" -> new AlertCondition.StrongRatioCollapse(
                        (int) p.integer("trailing", p.integer("window", 15)), (int) p.integer("min_minutes", 10),
                        p.integer("min_total", 20), p.decimal("mad_k", p.decimal("k", 3.0)),
                        p.decimal("floor", p.decimal("floor_fraction", 0.25)));
                case "export_failing" -> new AlertCondition.ExportFailing((int) p.integer("consecutive", 3));
                case "data_dropped" -> new AlertCondition.DataDropped();
                case "stage_unhealthy" -> new AlertCondition.StageUnhealthy(
                        Durations.parse("alerts." + name + ".seconds", p.get("seconds").orElse(30)).toMillis() / 1000.0);
                case "threshold" -> new AlertCondition.Threshold(p.string("metric", "total"), p.string("symbol", "all"),
                        p.get("above").map(v -> p.decimal("above", 0)).orElse(null),
                        p.get("below").map(v -> p.decimal("below", 0)).orElse(null));
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "'; known: " + STANDARD
                        + " and threshold");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        return new AlertRule(name, level, kind, forD, kff, c, enabled);
    }
}
