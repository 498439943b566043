package io.soak.api.plan;

/**
 * One acceptance criterion, evaluated at the end of the run over the run manifest: the value at
 * {@code path} (dotted path into the manifest JSON, for example {@code health.green_ratio} or
 * {@code status.processes.signal.restart_count}) compared with {@code expected} by {@code op}.
 * New capabilities add criteria by adding manifest sections, never by changing the evaluator.
 *
 * @param name        short identifier shown in reports, for example {@code health_green_ratio}
 * @param op          one of {@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=},
 *                    {@code contains}, {@code in_order} (expected is a list that must appear in that order)
 * @param expected    a number, string, boolean or list
 * @param description one line for people
 */
public record Criterion(String name, String path, String op, Object expected, String description) {
}
