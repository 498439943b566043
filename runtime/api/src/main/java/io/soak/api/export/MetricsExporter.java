package io.soak.api.export;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Pushes snapshots to one time-series target. Called from one engine thread at a time. A failed
 * export throws; the engine counts it and goes on (the run never stops for a time-series outage
 * unless the scenario marks the target required).
 */
@ConsumerType
public interface MetricsExporter {

    Preflight preflight();

    void export(MetricsSnapshot snapshot) throws Exception;

    /** Flushes and releases resources; called after the final export. */
    void close();
}
