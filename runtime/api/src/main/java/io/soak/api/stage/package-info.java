/** Stages are handlers: the engine owns their threads, queues and time (ARCHITECTURE.md 3.4). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.soak.api.stage;
