package io.soak.engine;

import io.soak.api.stats.MinuteStats;
import java.util.List;
import java.util.Map;

/**
 * A host-side part of a run that is not a stage: time-series export, the alert engine, the evidence
 * (parity, reports). The engine calls every method from its own control thread (in simulation: the
 * driver thread), never concurrently for one extension. Extensions are given to the engine by the
 * launcher; they never start threads of their own for run logic (timers: {@link RunContext#scheduler()}).
 *
 * <p>Order of calls in a run: {@code beforeStart} → ({@code onMinute} | {@code onHealthTick})* →
 * {@code onStopping} → stages and sinks stopped → {@code afterRun} → verdict evaluated →
 * {@code afterVerdict}. {@link #manifestSections()} is read at every manifest refresh.
 */
public interface RunExtension {

    /** Short name, used in logs and as the manifest key of errors it raised. */
    String name();

    /** Before any stage starts (for example a time-series reachability preflight). Throwing fails the run (exit 3). */
    default void beforeStart(RunContext run) throws Exception {
    }

    /**
     * One closed minute: the per-symbol rows and the {@code all} row of the same minute (the report stage
     * emits the {@code all} row last; the engine calls this when it arrives).
     */
    default void onMinute(RunContext run, List<MinuteStats> minute) {
    }

    /** After every health tick. */
    default void onHealthTick(RunContext run, RunStatus status) {
    }

    /**
     * A fault the engine does not handle itself (for example {@code timeseries-outage}), scheduled by the plan
     * or injected from the shell, on the control thread. Return a one-line effect when this extension applied
     * it (the engine records it in {@code faults[]}), or null when it is not this extension's.
     */
    default String onFault(RunContext run, io.soak.api.plan.FaultSpec fault) {
        return null;
    }

    /** When the graceful stop begins, before stages stop (for example a final export). */
    default void onStopping(RunContext run) {
    }

    /**
     * After stages, sinks and sources stopped and committed; before the verdict. {@code manifest} is the
     * manifest tree so far (read-only); evidence sections this adds go into {@link #manifestSections()}.
     */
    default void afterRun(RunContext run, Map<String, Object> manifest) throws Exception {
    }

    /**
     * When this extension's {@link #afterRun} comes relative to the others (lower first; equal: the given order).
     * An extension that copies other extensions' sections into its artifacts (the evidence summaries copy the
     * time-series export section) returns a higher number, so that it sees their final figures: every
     * {@code afterRun} is given the manifest as it is after the earlier ones.
     */
    default int afterRunOrder() {
        return 0;
    }

    /**
     * After the verdict is in the manifest (for example the reports, which open with the verdict). Called in
     * {@link #afterRunOrder()} order, each given the manifest as it is after the earlier ones (the evidence
     * extension's summaries copy the time-series section as it is after the run summary was pushed).
     */
    default void afterVerdict(RunContext run, Map<String, Object> manifest) throws Exception {
    }

    /** Top-level manifest sections this extension owns, for example {@code timeseries_export} or {@code alerts}. */
    default Map<String, Object> manifestSections() {
        return Map.of();
    }
}
