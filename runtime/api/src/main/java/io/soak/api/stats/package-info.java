/** Minute statistics (DOMAIN.md 5). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.stats;
