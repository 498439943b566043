package io.soak.api.export;

import java.util.Map;

/**
 * One sample of one series. Names follow Prometheus conventions ({@code soak_signals_total}); labels
 * are the series identity ({@code run_id}, {@code symbol}, {@code sink}, {@code reason}, ...).
 *
 * @param type {@code gauge} or {@code counter}
 */
public record MetricSample(String name, String help, String type, Map<String, String> labels, double value) {

    public MetricSample {
        labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    }
}
