package io.soak.launcher;

import io.soak.api.plan.Mode;
import io.soak.api.plan.ScenarioPlan;
import io.soak.engine.Registry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The factories a plan cannot run without, by {@link Registry} category: its stages, sinks, source (a
 * replay type other than the engine's built-in {@code capture}, or a live feed type), the feed emulator when
 * it starts one, and its time-series exporter. The launcher waits for them before it starts the run.
 */
public final class PlanRequirements {

    /** Replay types the engine provides itself. */
    private static final Set<String> BUILT_IN_REPLAY = Set.of("capture");

    private PlanRequirements() {
    }

    public static Map<String, Set<String>> of(ScenarioPlan plan) {
        Map<String, Set<String>> req = new LinkedHashMap<>();
        plan.stages().forEach(s -> add(req, Registry.STAGE, s));
        for (String sink : plan.sinks()) {
            if (sink.equals("dual")) {
                add(req, Registry.SINK, "jsonl");
                add(req, Registry.SINK, "sqlite");
            } else {
                add(req, Registry.SINK, sink);
            }
        }
        if (plan.source() != null) {
            String type = plan.source().type();
            if (plan.mode() == Mode.REPLAY && !BUILT_IN_REPLAY.contains(type)) {
                add(req, Registry.REPLAY, type);
            } else if (plan.mode() == Mode.LIVE) {
                add(req, Registry.FEED, type);
            }
            if (plan.source().usesEmulator()) {
                add(req, Registry.EMULATOR, String.valueOf(plan.source().emulator().getOrDefault("type", "binance")));
            }
        }
        if (plan.timeseries() != null && !plan.timeseries().type().isBlank() && !plan.timeseries().type().equals("none")) {
            add(req, Registry.EXPORTER, plan.timeseries().type());
        }
        return req;
    }

    private static void add(Map<String, Set<String>> req, String category, String key) {
        req.computeIfAbsent(category, c -> new TreeSet<>()).add(key);
    }
}
