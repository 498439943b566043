/** Time as the engine gives it: a clock (wall or virtual) and a scheduler whose timers run on the owner's thread. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.soak.api.time;
