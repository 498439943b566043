package io.soak.api.source;

/**
 * One raw message as received from the exchange (or read from a capture): the local receive time and
 * the exact text, normally a combined-stream envelope {@code {"stream":…,"data":…}}.
 *
 * @param receivedNanos local receive time, ns since epoch
 * @param text          the message text, unparsed; never null
 */
public record RawMessage(long receivedNanos, String text) {
}
