package io.soak.api.export;

import org.osgi.annotation.versioning.ConsumerType;

/** Published as an OSGi service by an exporter bundle ({@code prometheus}, {@code influxdb}, {@code file}). */
@ConsumerType
public interface ExporterFactory {

    String type();

    MetricsExporter create(ExporterContext context) throws Exception;
}
