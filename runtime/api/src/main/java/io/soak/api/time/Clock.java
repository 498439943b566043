package io.soak.api.time;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The engine's clock. In {@code live} mode and paced replay it follows the wall clock (paced replay:
 * the recording's clock scaled by the pace); at {@code max} pace it is a virtual clock that jumps to
 * the next event or timer. Stages must never read the system clock themselves.
 */
@ProviderType
public interface Clock {

    /** Current time in nanoseconds since the Unix epoch (UTC). Monotonic non-decreasing within a run. */
    long nanos();

    /** Current time in milliseconds since the Unix epoch (UTC). */
    default long millis() {
        return nanos() / 1_000_000L;
    }
}
