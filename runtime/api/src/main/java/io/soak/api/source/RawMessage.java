package io.soak.api.source;

import java.util.Objects;

/**
 * One raw message as received from the exchange (or read from a capture): the local receive time and
 * the exact text, normally a combined-stream envelope {@code {"stream":…,"data":…}}.
 *
 * <p>A message may carry what the stage that reads it prepared ahead of it ({@link #prepared()}): in a replay
 * the engine runs the {@link io.soak.api.stage.Preparer} of the raw topic's stage on its own thread, ahead of
 * the simulation, and attaches the result. It is an attachment, not part of the message: equality, hash code and
 * text are those of receive time and text alone, and a stage that does not recognise the attachment handles the
 * text as if there were none.
 */
public final class RawMessage {

    private final long receivedNanos;
    private final String text;
    private final Object prepared;

    /**
     * @param receivedNanos local receive time, ns since epoch
     * @param text          the message text, unparsed; never null
     */
    public RawMessage(long receivedNanos, String text) {
        this(receivedNanos, text, null);
    }

    private RawMessage(long receivedNanos, String text, Object prepared) {
        this.receivedNanos = receivedNanos;
        this.text = text;
        this.prepared = prepared;
    }

    /** Local receive time, ns since epoch. */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** The message text, unparsed; never null. */
    public String text() {
        return text;
    }

    /** What a {@link io.soak.api.stage.Preparer} made of this message ahead of its stage, or null. */
    public Object prepared() {
        return prepared;
    }

    /** The same message with {@code prepared} attached (null: none). */
    public RawMessage withPrepared(Object prepared) {
        return new RawMessage(receivedNanos, text, prepared);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawMessage m && m.receivedNanos == receivedNanos && Objects.equals(m.text, text);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(receivedNanos) + Objects.hashCode(text);
    }

    @Override
    public String toString() {
        return "RawMessage[receivedNanos=" + receivedNanos + ", text=" + text + "]";
    }
}
