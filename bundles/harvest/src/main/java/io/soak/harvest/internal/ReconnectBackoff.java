package io.soak.harvest.internal;

/**
 * The reconnect schedule of DOMAIN.md 1: 1, 1.5, 2.25, 3.4, 5 s (×1.5, capped at 5 s), back to the start
 * after a session that stayed healthy for the reset period (300 s). Pure arithmetic: the source asks it for
 * the next delay and runs the timer on the engine's scheduler.
 */
final class ReconnectBackoff {

    private final long initialMs;
    private final double multiplier;
    private final long maxMs;
    private final long resetAfterMs;
    private int attempt;

    ReconnectBackoff(long initialMs, double multiplier, long maxMs, long resetAfterMs) {
        this.initialMs = initialMs;
        this.multiplier = multiplier;
        this.maxMs = maxMs;
        this.resetAfterMs = resetAfterMs;
    }

    static ReconnectBackoff defaults() {
        return new ReconnectBackoff(1000, 1.5, 5000, 300_000);
    }

    /** The delay before the next attempt, in ms; advances the schedule. */
    long next() {
        double ms = initialMs * Math.pow(multiplier, attempt);
        attempt++;
        return Math.min(maxMs, Math.round(ms));
    }

    /** Called when a connection is lost after {@code sessionMs} of healthy session: long sessions reset the schedule. */
    void sessionEnded(long sessionMs) {
        if (sessionMs >= resetAfterMs) {
            attempt = 0;
        }
    }

    void reset() {
        attempt = 0;
    }
}
