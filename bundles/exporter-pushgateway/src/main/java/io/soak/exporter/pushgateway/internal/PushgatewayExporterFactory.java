package io.soak.exporter.pushgateway.internal;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.ExporterFactory;
import io.soak.api.export.MetricsExporter;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code prometheus} time-series type (a Pushgateway) to the engine. */
@Component(service = ExporterFactory.class)
public final class PushgatewayExporterFactory implements ExporterFactory {

    @Override
    public String type() {
        return "prometheus";
    }

    @Override
    public MetricsExporter create(ExporterContext context) {
        return new PushgatewayExporter(context);
    }
}
