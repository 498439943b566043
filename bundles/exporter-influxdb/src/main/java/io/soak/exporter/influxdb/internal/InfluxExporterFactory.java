package io.soak.exporter.influxdb.internal;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.ExporterFactory;
import io.soak.api.export.MetricsExporter;
import org.osgi.service.component.annotations.Component;

/** Publishes the {@code influxdb} time-series type (InfluxDB v2 write API, or VictoriaMetrics speaking it). */
@Component(service = ExporterFactory.class)
public final class InfluxExporterFactory implements ExporterFactory {

    @Override
    public String type() {
        return "influxdb";
    }

    @Override
    public MetricsExporter create(ExporterContext context) {
        return new InfluxExporter(context);
    }
}
