/**
 * A run's identity and the layout of its directory: {@link io.soak.api.run.RunId} (validated, one format for
 * generated ids) and {@link io.soak.api.run.RunDirectory} (every file and folder a run leaves behind, named in
 * one place). Used by the engine, the launcher's commands, the evidence checks, the test host and the bundles
 * that write into a run directory.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.run;
