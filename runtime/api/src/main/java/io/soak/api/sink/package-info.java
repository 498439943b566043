/** Sinks persist rows idempotently by (run_id, topic, seq). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.sink;
