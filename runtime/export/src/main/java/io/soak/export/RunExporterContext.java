package io.soak.export;

import io.soak.api.export.ExporterContext;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import java.nio.file.Path;

/** What an exporter bundle gets: the run's id, the spec (secrets included, never to be logged), the engine clock and the engine-owned {@code timeseries} metrics. */
record RunExporterContext(String runId, TimeseriesSpec spec, Clock clock, StageMetrics metrics, Path runDirectory)
        implements ExporterContext {
}
