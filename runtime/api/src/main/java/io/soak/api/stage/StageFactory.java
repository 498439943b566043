package io.soak.api.stage;

import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Published by a stage bundle as an OSGi service (Declarative Services). The engine tracks these,
 * and creates a fresh {@link Stage} for every start and restart.
 */
@ConsumerType
public interface StageFactory {

    /** The stage kind the plan names: {@code harvest}, {@code signal}, {@code broker}, {@code report}, ... */
    String kind();

    /** Topics this stage consumes, in one inbound queue, in publish order. */
    Set<String> inputs();

    /** Topics this stage may emit on. */
    Set<String> outputs();

    Stage create();

    /**
     * A new {@link Preparer} for the raw messages this stage reads, used by one engine thread; null (the default)
     * when the stage prepares nothing ahead. Only a factory whose {@link #inputs()} hold {@link Topics#RAW} is asked.
     */
    default Preparer preparer() {
        return null;
    }
}
