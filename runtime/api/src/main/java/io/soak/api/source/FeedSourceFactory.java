package io.soak.api.source;

import org.osgi.annotation.versioning.ConsumerType;

/** Published as an OSGi service by the bundle that provides a live source type (for example {@code binance-ws}). */
@ConsumerType
public interface FeedSourceFactory {

    String type();

    FeedSource create();
}
