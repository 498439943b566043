package io.soak.api.plan;

import java.time.Duration;
import java.util.Map;

/**
 * A fault the engine injects at a time after the run's start.
 *
 * @param at       offset from the run's start (engine time)
 * @param kind     {@code kill}, {@code crash}, {@code hang}, {@code swap}, or a source/emulator fault such as
 *                 {@code feed-drop}, {@code feed-stall}, {@code feed-latency}, {@code feed-corrupt},
 *                 {@code feed-gap}, {@code timeseries-outage}, {@code slow-sink}
 * @param target   the stage, sink, substream or exporter it acts on
 * @param duration how long it lasts (hang, stall, outage); {@link Duration#ZERO} for instant faults
 * @param params   kind-specific parameters (for example {@code jar} for a swap)
 */
public record FaultSpec(Duration at, String kind, String target, Duration duration, Map<String, Object> params) {

    public FaultSpec {
        duration = duration == null ? Duration.ZERO : duration;
        params = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(params));
    }
}
