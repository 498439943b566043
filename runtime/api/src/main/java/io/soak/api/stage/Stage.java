package io.soak.api.stage;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A pipeline stage: a single-threaded handler. The engine calls every method of one instance from one
 * runner at a time; a stage never starts threads, never sleeps, never reads the wall clock (use
 * {@link StageContext#clock()} and {@link StageContext#scheduler()}).
 *
 * <p>Lifecycle: {@code start} once, then {@code handle} per event, then {@code stop} on a graceful stop.
 * On a kill the instance is dropped without {@code stop}; the engine creates a new one through its
 * {@link StageFactory} and redelivers the event that was in flight.
 */
@ConsumerType
public interface Stage {

    void start(StageContext context) throws Exception;

    /** Handles one event of one of the factory's input topics. Throwing counts as a crash of the stage. */
    void handle(Envelope event) throws Exception;

    /** Graceful stop after the inbound queue has drained. Emissions here are still published. */
    default void stop() throws Exception {
    }

    /** Called by the engine at each health tick, on the stage's runner. */
    default HealthReport health() {
        return HealthReport.healthy();
    }

    /** The stage's state for a hot swap to another version; empty when the stage keeps none worth moving. */
    default Optional<byte[]> snapshot() {
        return Optional.empty();
    }

    /** Restores a {@link #snapshot()} taken from an earlier instance, after {@code start}, before any event. */
    default void restore(byte[] state) throws Exception {
    }
}
