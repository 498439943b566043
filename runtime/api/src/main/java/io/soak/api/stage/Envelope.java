package io.soak.api.stage;

/**
 * One event on the engine's bus.
 *
 * @param topic     the topic it was published on (see {@link Topics})
 * @param seq       run-wide sequence number, assigned by the engine per topic, starting at 1, without gaps
 * @param timeNanos engine-clock time at which it was published (ns since epoch); in replay the recording's
 *                  local receive time of the raw message that caused it
 * @param payload   the event value: a record of this api (market event, decision, order, fill, minute stats)
 *                  or a {@link io.soak.api.source.RawMessage}; never null
 */
public record Envelope(String topic, long seq, long timeNanos, Object payload) {
}
