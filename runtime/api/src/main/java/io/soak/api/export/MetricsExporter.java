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

    /**
     * True when the target stores the timestamp of each snapshot ({@link MetricsSnapshot#timeMs()}): InfluxDB,
     * VictoriaMetrics, an OpenMetrics file. False for a Pushgateway, whose samples are stamped when Prometheus
     * scrapes them.
     */
    default boolean timestamped() {
        return true;
    }

    /**
     * Queries the target back for what this run's exports wrote (called after exports, on the same thread).
     * Empty when the target cannot be read back. Throws when the query itself fails.
     */
    default java.util.Optional<ReadBack> readBack() throws Exception {
        return java.util.Optional.empty();
    }

    /**
     * After the verdict: the run's summary ({@code soak_run_info}, {@code soak_run_verdict},
     * {@code soak_run_last_success_timestamp_seconds} on a pass), meant to outlive the run's series. The default
     * exports it like any snapshot; a Pushgateway exporter keeps it in a group of its own.
     */
    default void summary(MetricsSnapshot summary) throws Exception {
        export(summary);
    }

    /** Flushes and releases resources; called after the final export and the summary. */
    void close();
}
