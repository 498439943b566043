/** Time-series exporters (Pushgateway, InfluxDB, file). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.soak.api.export;
