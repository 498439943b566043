package io.soak.launcher;

import io.soak.api.plan.ScenarioPlan;
import java.util.ArrayList;
import java.util.List;

/** A few lines that tell a person what a plan will do (for {@code validate} and the start of {@code run}). */
final class PlanSummary {

    private PlanSummary() {
    }

    static List<String> lines(ScenarioPlan plan) {
        List<String> out = new ArrayList<>();
        out.add("scenario " + plan.name() + " (" + plan.scriptFile() + "): valid");
        out.add("  mode " + plan.mode().id() + (plan.mode() == io.soak.api.plan.Mode.REPLAY ? ", pace " + plan.pace() : "")
                + ", duration " + human(plan.duration()) + ", seed " + plan.seed());
        out.add("  stages " + String.join(" -> ", plan.stages()) + "; sinks " + String.join(", ", plan.sinks()));
        if (plan.source() != null) {
            out.add("  source " + plan.source().type() + " " + plan.source().symbols()
                    + (plan.source().usesEmulator() ? " via the feed emulator" : ""));
        }
        out.add("  time series " + (plan.timeseries() == null ? "none" : plan.timeseries().type())
                + "; alerts " + plan.alerts().size() + "; faults " + plan.faults().size()
                + "; criteria " + plan.expectations().size());
        return out;
    }

    static String human(java.time.Duration d) {
        if (d == null) {
            return "until stopped";
        }
        long s = d.toSeconds();
        if (s % 60 == 0 && s > 0) {
            return (s / 60) + " min";
        }
        return s + " s";
    }
}
