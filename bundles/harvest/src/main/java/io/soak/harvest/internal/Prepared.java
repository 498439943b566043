package io.soak.harvest.internal;

import io.soak.api.source.RawMessage;

/**
 * One raw message as the harvest preparer parsed it ahead of the stage (issue #16, replay on both cores): the
 * parser's outcome (a market event, a {@link ParsedDepth}, {@link MarketParser#SKIPPED}, or the error), the stream
 * the envelope named and the seam flag. Immutable. {@link Harvester#onRaw} takes it instead of parsing the text
 * again; the parser is a pure function of the text, so the outcome is the one it would have computed itself.
 */
final class Prepared {

    final Object parsed;
    final MalformedMessageException error;
    final StreamInfo stream;
    final boolean seam;
    /** The message it was made from: receive time and the very text instance. */
    private final long receivedNanos;
    private final String text;

    private Prepared(RawMessage from, Object parsed, MalformedMessageException error, StreamInfo stream, boolean seam) {
        this.receivedNanos = from.receivedNanos();
        this.text = from.text();
        this.parsed = parsed;
        this.error = error;
        this.stream = stream;
        this.seam = seam;
    }

    /**
     * True when this was prepared from {@code m} (same receive time, same text instance): an attachment carried
     * over to a message that differs (a fault that rewrote it, a copy) is never used for it.
     */
    boolean of(RawMessage m) {
        return m.text() == text && m.receivedNanos() == receivedNanos;
    }

    /** Parses {@code raw} with {@code parser} (one thread's own) and keeps the outcome. */
    static Prepared of(MarketParser parser, RawMessage raw) {
        try {
            Object parsed = parser.parse(raw);
            return new Prepared(raw, parsed, null, parser.lastStream(), parser.lastSeam());
        } catch (MalformedMessageException ex) {
            return new Prepared(raw, null, ex, parser.lastStream(), parser.lastSeam());
        }
    }
}
