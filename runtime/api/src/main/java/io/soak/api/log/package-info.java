/**
 * How repeated failures are logged, in one place for the host and the bundles: {@link io.soak.api.log.Repeats}
 * (the first line of a window shown, its repeats counted into one summary line) and {@link io.soak.api.log.Repeats.Streak}
 * (one warning per failure streak, one line when it ends). Framework-free: the caller logs what they decide.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.log;
