package io.soak.api.source;

import org.osgi.annotation.versioning.ProviderType;

/** The exchange-facing entry of the pipeline: the harvest stage's inbound queue, owned by the engine. */
@ProviderType
public interface Ingress {

    /**
     * Offers a raw message. Never blocks: when the queue is full the message is dropped and counted as
     * {@code queue_dropped}. Thread-safe.
     *
     * @return false when the message was dropped
     */
    boolean offer(RawMessage message);
}
