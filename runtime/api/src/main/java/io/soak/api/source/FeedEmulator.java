package io.soak.api.source;

import io.soak.api.plan.FaultSpec;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** A running feed emulator. Its server threads are its own (it is not a stage). */
@ProviderType
public interface FeedEmulator extends AutoCloseable {

    /** Base URL clients connect to, for example {@code ws://127.0.0.1:40123}; they append {@code /stream?streams=…}. */
    String endpoint();

    /**
     * Injects a feed fault: {@code feed-drop} (close every connection), {@code feed-stall} (target: a stream
     * name such as {@code btcusdt@aggTrade}, for {@code duration}), {@code feed-latency} (params.ms),
     * {@code feed-corrupt} (params.count malformed or truncated frames), {@code feed-gap} (target: a depth
     * stream; skips update ids). Returns a one-line description of what was done.
     */
    String inject(FaultSpec fault);

    /** What it serves and what it sent so far (messages per stream, connections, faults). */
    Map<String, Object> describe();

    @Override
    void close();
}
