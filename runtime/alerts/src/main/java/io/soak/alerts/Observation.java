package io.soak.alerts;

/**
 * What a condition saw at one evaluation.
 *
 * @param active  the condition holds
 * @param value   the observed value (the statistic the condition compares), NaN when there is none
 * @param details one line for people: what was compared with what
 */
public record Observation(boolean active, double value, String details) {

    public static Observation of(boolean active, double value, String details) {
        return new Observation(active, value, details);
    }
}
