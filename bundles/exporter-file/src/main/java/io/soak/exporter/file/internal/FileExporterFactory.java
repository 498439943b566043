package io.soak.exporter.file.internal;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.ExporterFactory;
import io.soak.api.export.MetricsExporter;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code file} time-series type, the embedded default when no server is configured. */
@Component(service = ExporterFactory.class)
public final class FileExporterFactory implements ExporterFactory {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public MetricsExporter create(ExporterContext context) {
        return new FileExporter(context);
    }
}
