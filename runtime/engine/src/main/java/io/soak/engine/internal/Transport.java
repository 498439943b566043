package io.soak.engine.internal;

import io.soak.api.source.RawMessage;
import java.util.List;
import java.util.Map;

/**
 * The bus between the stages: topics with run-wide sequence numbers, delivery into the consuming stages'
 * inboxes, rows to the sinks and the observed topics to the extensions. Stages never see it: they emit
 * through their {@link InstanceContext}, which publishes here after each event. {@link InProcessTransport}
 * is the default and the only transport of the deterministic simulation; a Kafka transport
 * (design ARCHITECTURE.md §7) implements this interface without touching the stages.
 */
interface Transport {

    /** Set-up: {@code consumer} receives every envelope published on {@code topic}. */
    void subscribe(String topic, StageSlot consumer);

    /** Set-up: the stages consuming {@code topic}, in subscription order. */
    List<StageSlot> consumers(String topic);

    /** Set-up: envelopes of {@code topic} also go to the sinks as rows. */
    void toSinks(String topic);

    /** Set-up: envelopes of {@code topic} are also observed by the engine (minute statistics for extensions). */
    void observe(String topic);

    /** Live ingress on the raw topic: never blocks; a full queue drops and counts. Thread-safe. */
    boolean offerRaw(RawMessage m);

    /** Replay ingress on the raw topic: never drops (the simulation checked for room; paced replay blocks). */
    void putRaw(RawMessage m) throws InterruptedException;

    /** Publishes one emission of {@code from} (called after its handle returned). */
    void publish(StageSlot from, String topic, Object payload) throws InterruptedException;

    /** Simulation: the raw topic's first consumer cannot take more now. */
    boolean ingressFull();

    /** Raw messages published (live and replay). */
    long publishedRaw();

    /** Raw messages dropped at ingress (live). */
    long rawDropped();

    /** Per topic: published, dropped, last_seq, consumers, to_sinks (the manifest's {@code bus.topics}). */
    Map<String, Object> describeTopics();
}
