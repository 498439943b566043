package io.soak.api.source;

import io.soak.api.plan.SourceSpec;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens replay feeds of one type ({@code capture} is built into the engine; bundles may add others such
 * as {@code synthetic}). Published as an OSGi service.
 */
@ConsumerType
public interface ReplayFeedFactory {

    String type();

    /** Opens the feed described by {@code spec}; {@code seed} is the run's seed. */
    ReplayFeed open(SourceSpec spec, long seed) throws java.io.IOException;
}
