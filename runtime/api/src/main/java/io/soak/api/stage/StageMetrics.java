package io.soak.api.stage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Counters, gauges and structured facts of one component, owned by the engine: they survive the
 * component's restarts and are written into the run manifest (for the harvest stage and the feed
 * source: {@code run_manifest.harvester_metrics}). Thread-safe.
 */
@ProviderType
public interface StageMetrics {

    /** Adds {@code delta} to the counter {@code name} (created at 0). */
    void add(String name, long delta);

    default void increment(String name) {
        add(name, 1);
    }

    /** Current value of counter {@code name} (0 if never touched). */
    long counter(String name);

    /** Sets gauge {@code name}. */
    void gauge(String name, double value);

    /**
     * Records a structured fact under {@code name}, replacing the previous one. The value must be
     * JSON-serialisable by Jackson (records, maps, lists, strings, numbers, booleans) and immutable.
     */
    void fact(String name, Object value);

    /**
     * The fact last recorded under {@code name}, or null when none is known. Lets a restarted component
     * continue a fact its predecessor built (for example the harvester's {@code substream_timeouts} list).
     * The default returns null; engines that keep facts override it.
     */
    default Object factValue(String name) {
        return null;
    }
}
