package io.soak.alerts;

import java.time.Duration;

/**
 * A rule: its definition and the kind of condition it evaluates.
 *
 * @param kind the standard rule name or {@code threshold}
 */
public record AlertRule(String name, String level, String kind, Duration forDuration, Duration keepFiringFor,
                        AlertCondition condition, boolean enabled) {

    public AlertRule {
        if (name == null || !name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
            throw new IllegalArgumentException("alert rule name must match [a-zA-Z_][a-zA-Z0-9_]*, got '" + name + "'");
        }
        if (!"critical".equals(level) && !"warning".equals(level) && !"info".equals(level)) {
            throw new IllegalArgumentException("alert rule '" + name + "': level must be critical, warning or info, got '"
                    + level + "'");
        }
        forDuration = forDuration == null ? Duration.ZERO : forDuration;
        keepFiringFor = keepFiringFor == null ? Duration.ZERO : keepFiringFor;
        if (forDuration.isNegative() || keepFiringFor.isNegative()) {
            throw new IllegalArgumentException("alert rule '" + name + "': for and keep_firing_for must be >= 0");
        }
    }
}
