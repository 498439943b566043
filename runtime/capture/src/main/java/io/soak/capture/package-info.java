/**
 * The raw capture line format (local receive time, a space, the combined-stream JSON): reader, writer, replay
 * (merge, loop, aliases), text transforms and the pre-run file check. A library, not a contract: the api
 * ({@code io.soak.api.source}) carries only {@code RawMessage} and {@code ReplayFeed}; the bundles that need
 * this code (harvest, feed emulator) embed it privately, the host (engine, launcher) has it on its class path.
 */
package io.soak.capture;
