package io.soak.api.plan;

import java.time.Duration;

/**
 * How the engine restarts a failed stage: backoff initial, ×multiplier per consecutive restart, capped at
 * {@code maxBackoff}; after {@code maxRestarts} restarts within {@code window} it gives up and marks the
 * stage unhealthy. A stage whose runner shows no progress for {@code heartbeatTimeout} while it has work
 * is treated as failed.
 */
public record RestartPolicy(Duration initialBackoff, double multiplier, Duration maxBackoff, int maxRestarts,
                            Duration window, Duration heartbeatTimeout) {

    public static RestartPolicy defaults() {
        return new RestartPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 5, Duration.ofMinutes(10),
                Duration.ofSeconds(30));
    }

    /** Backoff before restart number {@code n} (1-based) within the window. */
    public Duration backoff(int n) {
        double ms = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, n - 1));
        return Duration.ofMillis((long) Math.min(ms, maxBackoff.toMillis()));
    }
}
