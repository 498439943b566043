package io.soak.api.export;

import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/** What the engine gives an exporter. Secrets in the spec must never be logged or written out. */
@ProviderType
public interface ExporterContext {

    String runId();

    TimeseriesSpec spec();

    Clock clock();

    StageMetrics metrics();

    Path runDirectory();
}
