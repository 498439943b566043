/** Signal decisions (DOMAIN.md 3). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.signal;
