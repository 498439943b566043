package io.soak.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a run ended.
 *
 * @param exitCode  0 every criterion passed, 1 a criterion failed, 3 the runtime failed
 * @param failures  one line per failed criterion (name, expected, observed) or the runtime failure
 * @param manifest  the final run manifest tree (as written to {@code run_manifest.json})
 */
public record RunOutcome(String runId, Path runDirectory, int exitCode, List<String> failures,
                         Map<String, Object> manifest) {

    public RunOutcome {
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return exitCode == 0;
    }
}
