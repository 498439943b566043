package io.soak.emulator.internal;

import io.soak.capture.CaptureReplay;
import io.soak.api.source.RawMessage;
import java.io.IOException;
import java.util.Map;

/** What the emulator serves: capture files or the synthetic market, as one timeline of raw messages. */
interface MessageSource extends AutoCloseable {

    /** The next message, or null at the end (a non-looping capture). */
    RawMessage next() throws IOException;

    Map<String, Object> describe();

    @Override
    void close();

    /**
     * {@code source} with every time moved so that its first message was received at {@code startMs}, read
     * when the first message is taken (the pacer takes it when serving starts): a recording served live then
     * has exchange times of today. The exchange times ({@code E}, {@code T}) are moved by as much more as the
     * recording's first exchange time led its receive time (the collector's clock was ~1.3 s behind the
     * exchange's), so an exchange time is not in the future when the message is sent; the pacer waits for the
     * rare message that still would be.
     */
    static MessageSource rebased(MessageSource source, java.util.function.LongSupplier startMs) {
        return new MessageSource() {
            private long shiftMs = Long.MIN_VALUE;
            private long leadMs;

            @Override
            public RawMessage next() throws IOException {
                RawMessage m = source.next();
                if (m == null) {
                    return null;
                }
                if (shiftMs == Long.MIN_VALUE) {
                    shiftMs = startMs.getAsLong() - m.receivedNanos() / 1_000_000L;
                    long e = EmulatorBook.number(m.text(), "\"E\":");
                    leadMs = e > 0 ? Math.max(0, e - m.receivedNanos() / 1_000_000L) : 0;
                }
                return new RawMessage(m.receivedNanos() + shiftMs * 1_000_000L,
                        io.soak.capture.CaptureTransform.shift(m.text(), shiftMs - leadMs, 0, 0));
            }

            @Override
            public Map<String, Object> describe() {
                Map<String, Object> d = new java.util.TreeMap<>(source.describe());
                d.put("time_shift_ms", shiftMs == Long.MIN_VALUE ? 0 : shiftMs);
                d.put("exchange_time_lead_removed_ms", leadMs);
                return d;
            }

            @Override
            public void close() {
                source.close();
            }
        };
    }

    static MessageSource of(CaptureReplay replay) {
        return new MessageSource() {
            @Override
            public RawMessage next() throws IOException {
                return replay.next();
            }

            @Override
            public Map<String, Object> describe() {
                return replay.describe();
            }

            @Override
            public void close() {
                try {
                    replay.close();
                } catch (IOException e) {
                    // closing a read-only file: nothing to recover
                }
            }
        };
    }

    static MessageSource of(SyntheticMarket market) {
        return new MessageSource() {
            @Override
            public RawMessage next() {
                return market.next();
            }

            @Override
            public Map<String, Object> describe() {
                return market.describe();
            }

            @Override
            public void close() {
            }
        };
    }
}
