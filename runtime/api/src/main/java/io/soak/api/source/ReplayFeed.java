package io.soak.api.source;

import java.io.Closeable;
import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A pull source used in {@code replay} mode: messages in non-decreasing {@link RawMessage#receivedNanos()}
 * order. The engine paces it (1x, Nx) or, at {@code max} pace, drives its virtual clock by it.
 */
@ConsumerType
public interface ReplayFeed extends Closeable {

    /** The next message, or null at the end of the feed. */
    RawMessage next() throws IOException;

    /** Facts about what was read (files, hashes, loops, skipped lines) for the source manifest. */
    default java.util.Map<String, Object> describe() {
        return java.util.Map.of();
    }
}
