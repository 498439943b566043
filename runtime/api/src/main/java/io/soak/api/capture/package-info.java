/** The raw capture line format: local receive nanoseconds, a space, the combined-stream JSON. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.capture;
