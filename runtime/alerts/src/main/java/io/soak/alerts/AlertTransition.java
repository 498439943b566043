package io.soak.alerts;

/**
 * One state change of one rule. {@code state} is {@code pending}, {@code firing}, {@code resolved} (a firing
 * alert cleared) or {@code inactive} (a pending alert cleared before it fired).
 *
 * @param atMs  evaluation time (engine time, the end of the closed minute), ms since epoch
 * @param at    the same as ISO-8601 UTC
 * @param from  the previous state
 * @param value the observed value at this evaluation
 */
public record AlertTransition(String at, long atMs, String rule, String level, String state, String from,
                              double value, String details) {

    public static AlertTransition of(long atMs, AlertRule rule, String state, AlertState from, Observation o) {
        return new AlertTransition(java.time.Instant.ofEpochMilli(atMs).toString(), atMs, rule.name(), rule.level(),
                state, from.id(), o.value(), o.details());
    }
}
