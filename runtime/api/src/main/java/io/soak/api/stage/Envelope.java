package io.soak.api.stage;

/**
 * One event on the engine's bus.
 *
 * @param topic       the topic it was published on (see {@link Topics})
 * @param seq         run-wide sequence number, assigned by the engine per topic, starting at 1, without gaps
 * @param timeNanos   engine-clock time at which it was published (ns since epoch); in replay the recording's
 *                    local receive time of the raw message that caused it
 * @param payload     the event value: a record of this api (market event, decision, order, fill, minute stats)
 *                    or a {@link io.soak.api.source.RawMessage}; never null
 * @param originNanos the receive time ({@link io.soak.api.source.RawMessage#receivedNanos()}) of the raw message
 *                    this event descends from, carried by the engine from hop to hop for the end-to-end latency
 *                    figures; 0 when the event has no such origin (a timer's emission, a test's envelope)
 */
public record Envelope(String topic, long seq, long timeNanos, Object payload, long originNanos) {

    /** An envelope without an origin ({@code originNanos} 0). */
    public Envelope(String topic, long seq, long timeNanos, Object payload) {
        this(topic, seq, timeNanos, payload, 0L);
    }
}
