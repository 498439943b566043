package io.soak.alerts;

import io.soak.api.stage.HealthState;
import io.soak.engine.RunStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns health ticks into "how long has each stage been unhealthy in a row" for stage_unhealthy: the longest
 * continuous stretch seen in the current minute (a stage unhealthy for 40 s that recovered before the minute
 * closed still counts), carried over for stages that are still unhealthy when the minute closes.
 */
final class HealthWindow {

    private final Map<String, Long> unhealthySince = new HashMap<>();
    private final Map<String, Double> windowMax = new HashMap<>();
    private final Map<String, String> details = new HashMap<>();

    void tick(RunStatus status) {
        for (RunStatus.StageStatus s : status.stages()) {
            if (s.health() == HealthState.UNHEALTHY) {
                long since = unhealthySince.computeIfAbsent(s.stage(), k -> status.timeMs());
                double stretch = (status.timeMs() - since) / 1000.0;
                windowMax.merge(s.stage(), stretch, Math::max);
                details.put(s.stage(), s.detail());
            } else {
                unhealthySince.remove(s.stage());
            }
        }
    }

    Map<String, Double> stretches() {
        return Map.copyOf(windowMax);
    }

    Map<String, String> details() {
        return Map.copyOf(details);
    }

    /** Starts the next minute's window; stages still unhealthy keep their running stretch. */
    void nextWindow(long nowMs) {
        windowMax.clear();
        unhealthySince.forEach((stage, since) -> windowMax.put(stage, Math.max(0, nowMs - since) / 1000.0));
        details.keySet().retainAll(unhealthySince.keySet());
    }
}
