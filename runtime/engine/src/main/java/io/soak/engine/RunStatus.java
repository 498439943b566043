package io.soak.engine;

import io.soak.api.stage.HealthState;
import java.util.List;

/**
 * A snapshot of the run, taken at a health tick (or on demand by the shell).
 *
 * @param timeMs         engine time, ms since epoch
 * @param queueDropped   messages dropped at the ingress so far
 */
public record RunStatus(long timeMs, List<StageStatus> stages, long queueDropped, Resources resources) {

    public RunStatus {
        stages = List.copyOf(stages);
    }

    /**
     * One stage.
     *
     * @param state        {@code starting}, {@code running}, {@code restarting}, {@code hung}, {@code stopped}, {@code failed}
     * @param handled      events handled so far (all instances)
     */
    public record StageStatus(String stage, String state, HealthState health, String detail, int restartCount,
                              int queueDepth, long handled) {
    }

    /** Process resources: current and maxima over the run. */
    public record Resources(double rssMb, double maxRssMb, int openFiles, int maxOpenFiles, int threads,
                            int maxThreads) {
    }
}
