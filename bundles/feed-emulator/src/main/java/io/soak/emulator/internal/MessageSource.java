package io.soak.emulator.internal;

import io.soak.api.capture.CaptureReplay;
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
