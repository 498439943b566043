package io.soak.api.time;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Timers on the engine's clock. For a stage, every task runs on that stage's own runner (never
 * concurrently with its {@code handle}); timers of a killed stage instance are cancelled by the
 * engine. All times are in nanoseconds of the engine's {@link Clock}.
 */
@ProviderType
public interface Scheduler {

    /** Runs {@code task} once after {@code delayNanos} (≥ 0) of engine time. */
    Cancellable schedule(long delayNanos, Runnable task);

    /** Runs {@code task} once at engine time {@code epochNanos} (immediately if already past). */
    Cancellable scheduleAt(long epochNanos, Runnable task);

    /** Runs {@code task} every {@code periodNanos} (> 0), first after {@code initialDelayNanos}. */
    Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task);
}
