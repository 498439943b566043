package io.soak.dsl;

import java.time.Duration;

/**
 * The bounds of one scenario evaluation, so a script cannot hang or exhaust the process that loads it: the
 * time the script may run (compiling is bounded separately, by {@link #compile}), its size in bytes, and how
 * deep its brackets may nest. Past a bound the loader throws a {@link ScenarioException} naming the bound.
 *
 * @param evaluation how long the script's body may run (default 10 s; {@code -Dsoak.dsl.timeout_s})
 * @param compile    how long compiling may take (default 30 s; {@code -Dsoak.dsl.compile_timeout_s})
 * @param maxBytes   the largest script in bytes (default 1 MiB; {@code -Dsoak.dsl.max_bytes})
 * @param maxDepth   the deepest bracket nesting (default 64; {@code -Dsoak.dsl.max_depth})
 */
public record ScenarioLimits(Duration evaluation, Duration compile, long maxBytes, int maxDepth) {

    public ScenarioLimits {
        if (evaluation == null || evaluation.isNegative() || evaluation.isZero()
                || compile == null || compile.isNegative() || compile.isZero() || maxBytes <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("scenario limits must be positive");
        }
    }

    /** The defaults, each overridable by its system property. */
    public static ScenarioLimits defaults() {
        return new ScenarioLimits(Duration.ofMillis((long) (number("soak.dsl.timeout_s", 10) * 1000)),
                Duration.ofMillis((long) (number("soak.dsl.compile_timeout_s", 30) * 1000)),
                (long) number("soak.dsl.max_bytes", 1 << 20), (int) number("soak.dsl.max_depth", 64));
    }

    /** These limits with another evaluation time limit. */
    public ScenarioLimits withEvaluation(Duration d) {
        return new ScenarioLimits(d, compile, maxBytes, maxDepth);
    }

    private static double number(String property, double fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            return d > 0 ? d : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
