package io.soak.api.sink;

import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** What the engine gives a sink when it opens it for a run. */
@ProviderType
public interface SinkContext {

    String runId();

    /** {@code runs/<run_id>}; the sink writes under it (for example {@code signals/}). */
    Path runDirectory();

    Settings config();

    Clock clock();

    StageMetrics metrics();
}
