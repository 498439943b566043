package io.soak.api.source;

import io.soak.api.plan.SourceSpec;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** What the engine gives a push source. Its metrics land in {@code run_manifest.harvester_metrics}. */
@ProviderType
public interface SourceContext {

    String runId();

    SourceSpec spec();

    Settings config();

    Clock clock();

    /** Timers on the engine's scheduler thread (a source is not a stage: its timers run on the engine's timer thread). */
    Scheduler scheduler();

    StageMetrics metrics();

    Ingress ingress();

    Path runDirectory();
}
