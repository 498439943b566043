package io.soak.api.stage;

import java.util.Map;

/**
 * What a stage says about itself at a health tick. The engine combines it with facts it observes
 * itself (heartbeat age, queue depth and growth, error counters) into the stage's health.
 *
 * @param state  the stage's own view
 * @param detail a one-line reason when not healthy, empty otherwise; never null
 * @param facts  JSON-serialisable facts (for example last decision age per symbol); never null
 */
public record HealthReport(HealthState state, String detail, Map<String, Object> facts) {

    public HealthReport {
        detail = detail == null ? "" : detail;
        facts = facts == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(facts));
    }

    public static HealthReport healthy() {
        return new HealthReport(HealthState.HEALTHY, "", Map.of());
    }

    public static HealthReport of(HealthState state, String detail) {
        return new HealthReport(state, detail, Map.of());
    }
}
