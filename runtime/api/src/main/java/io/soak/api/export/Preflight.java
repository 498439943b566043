package io.soak.api.export;

/**
 * Result of a reachability check before the run.
 *
 * @param target where it was checked (URL without credentials)
 * @param detail status code or error, one line
 */
public record Preflight(boolean reachable, String target, String detail, long latencyMs) {
}
