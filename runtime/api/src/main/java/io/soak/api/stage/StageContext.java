package io.soak.api.stage;

import io.soak.api.plan.Mode;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the engine gives a stage instance. Valid from {@link Stage#start} until the instance is stopped
 * or killed; a killed instance's context silently discards whatever it still emits.
 */
@ProviderType
public interface StageContext {

    /** The stage's name in the plan (for example {@code signal}). */
    String stageName();

    String runId();

    Mode mode();

    /** The run's seed: the only source of randomness a stage may use (deterministic in replay). */
    long seed();

    Clock clock();

    /** Timers that run on this stage's own runner. */
    Scheduler scheduler();

    Settings config();

    StageMetrics metrics();

    /** The run directory ({@code runs/<run_id>}), for stages that write evidence files. */
    Path runDirectory();

    /**
     * Publishes {@code payload} on {@code topic}. Emissions made while handling an event are buffered
     * and published, with their sequence numbers, only when {@link Stage#handle} returns normally, so an
     * event that is redelivered after a kill or crash never produces its outputs twice. Emissions from a
     * timer task are published when the task returns. Downstream queues apply blocking backpressure.
     */
    void emit(String topic, Object payload);
}
