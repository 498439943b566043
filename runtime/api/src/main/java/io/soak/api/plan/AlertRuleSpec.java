package io.soak.api.plan;

import java.time.Duration;
import java.util.Map;

/**
 * An alert rule evaluated at the end of every closed minute with Prometheus semantics: pending while
 * its condition holds for less than {@code forDuration}, firing after, resolved at the first evaluation
 * where it is false (after {@code keepFiringFor}).
 *
 * @param name   for example {@code no_signals}
 * @param level  {@code critical} or {@code warning}
 * @param kind   the condition's implementation (a standard rule name, or {@code threshold} over a minute statistic)
 * @param params the condition's parameters (thresholds, windows)
 */
public record AlertRuleSpec(String name, String level, String kind, Duration forDuration, Duration keepFiringFor,
                            Map<String, Object> params, boolean enabled) {

    public AlertRuleSpec {
        forDuration = forDuration == null ? Duration.ZERO : forDuration;
        keepFiringFor = keepFiringFor == null ? Duration.ZERO : keepFiringFor;
        params = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(params));
    }
}
