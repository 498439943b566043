package io.soak.api.export;

import java.util.List;

/**
 * Everything exported at one point: after a closed minute, or the final push at stop.
 *
 * @param timeMs engine-clock time of the export, ms since epoch
 * @param minuteStartMs the closed minute this export is for, or -1 for a non-minute push
 * @param last   true for the final push of the run
 */
public record MetricsSnapshot(long timeMs, long minuteStartMs, List<MetricSample> samples, boolean last) {

    public MetricsSnapshot {
        samples = List.copyOf(samples);
    }
}
