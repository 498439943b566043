package io.soak.alerts;

/** State of one alert rule, as in Prometheus: inactive, pending (condition true for less than {@code for}), firing. */
public enum AlertState {
    INACTIVE, PENDING, FIRING;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The value exported as {@code soak_alert_state}: 0 inactive, 1 pending, 2 firing. */
    public int gaugeValue() {
        return ordinal();
    }
}
