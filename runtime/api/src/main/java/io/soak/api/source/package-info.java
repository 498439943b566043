/** Feed sources: push sources (a live socket) and pull sources (a replay), both delivering raw messages. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.soak.api.source;
