package io.soak.export;

import io.soak.alerts.AlertsExtension;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alerts and time-series export as one run extension, so that the two see each other in a fixed order at
 * every closed minute: first the alert rules are evaluated (export_failing reads the export's consecutive
 * failures so far, through a plain method reference), then the minute is exported with the states just
 * evaluated ({@code soak_alert_state}). The shared state is these two references, nothing else.
 */
public final class TimeseriesExtension implements RunExtension {

    private final AlertsExtension alerts;
    private final ExportExtension export;

    public TimeseriesExtension(ScenarioPlan plan, Settings effectiveConfig) {
        this(plan, effectiveConfig, java.time.Clock.systemUTC());
    }

    /** {@code wall}: the wall clock, for rebasing replay times and Alertmanager times (tests pass a fixed one). */
    public TimeseriesExtension(ScenarioPlan plan, Settings effectiveConfig, java.time.Clock wall) {
        ExportExtension[] holder = new ExportExtension[1];
        this.alerts = new AlertsExtension(plan, effectiveConfig, () -> holder[0].consecutiveFailures(), wall);
        this.export = new ExportExtension(plan, effectiveConfig, alerts::states, () -> alerts.engine().rules(), wall);
        holder[0] = export;
    }

    public AlertsExtension alerts() {
        return alerts;
    }

    public ExportExtension export() {
        return export;
    }

    @Override
    public String name() {
        return "timeseries";
    }

    @Override
    public void beforeStart(RunContext run) throws Exception {
        alerts.beforeStart(run);
        export.beforeStart(run);
    }

    @Override
    public void onMinute(RunContext run, List<MinuteStats> minute) {
        alerts.onMinute(run, minute);
        export.onMinute(run, minute);
    }

    @Override
    public void onHealthTick(RunContext run, RunStatus status) {
        alerts.onHealthTick(run, status);
    }

    @Override
    public String onFault(RunContext run, io.soak.api.plan.FaultSpec fault) {
        return export.onFault(run, fault);
    }

    @Override
    public void onStopping(RunContext run) {
        alerts.onStopping(run);
        export.onStopping(run);
    }

    @Override
    public void afterRun(RunContext run, Map<String, Object> manifest) throws Exception {
        alerts.afterRun(run, manifest);
        export.afterRun(run, manifest);
    }

    @Override
    public void afterVerdict(RunContext run, Map<String, Object> manifest) throws Exception {
        alerts.afterVerdict(run, manifest);
        export.afterVerdict(run, manifest);
    }

    @Override
    public Map<String, Object> manifestSections() {
        Map<String, Object> m = new TreeMap<>(alerts.manifestSections());
        m.putAll(export.manifestSections());
        return m;
    }
}
