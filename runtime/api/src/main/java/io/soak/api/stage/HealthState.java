package io.soak.api.stage;

/** Health of a stage, sink, exporter or source, ordered from best to worst. */
public enum HealthState {
    HEALTHY, DEGRADED, UNHEALTHY;

    /** The worse of the two. */
    public HealthState worst(HealthState other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
