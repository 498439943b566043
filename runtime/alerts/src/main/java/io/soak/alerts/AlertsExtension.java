package io.soak.alerts;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunStatus;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert engine as a run extension: evaluates the rules at every closed minute, logs each transition (one
 * line), keeps them for the manifest section {@code alerts} and, when {@code alerts.alertmanager_url} is set,
 * sends firing/resolved alerts to an Alertmanager.
 *
 * <p>Shared state, explicit: {@code export_failing} reads the number of consecutive failed exports from the
 * {@link IntSupplier} given at construction (the export extension's counter when both run together, see
 * {@code io.soak.export.TimeseriesExtensionFactory}); without one it reads the engine-owned counter
 * {@code consecutive_failures} of {@code run.metrics("timeseries")}. Other extensions read the current states
 * through {@link #states()}.
 */
public final class AlertsExtension implements RunExtension {

    private static final Logger LOG = LoggerFactory.getLogger(AlertsExtension.class);
    private static final int HISTORY = 120;

    private final AlertEngine engine;
    private final IntSupplier exportFailures;
    private final String alertmanagerUrl;
    private final long resendIntervalMs;
    private final java.time.Clock wall;
    private long wallOffsetMs;
    private final HealthWindow health = new HealthWindow();
    private final ArrayDeque<MinuteStats> previous = new ArrayDeque<>();
    private final Map<String, Long> firedAt = new TreeMap<>();
    private AlertmanagerClient alertmanager;
    private RunContext run;
    private long lastQueueDropped;
    private long lastTickQueueDropped;
    private long stoppingAtMs = -1;
    private long partialMinutesSkipped;

    public AlertsExtension(ScenarioPlan plan, Settings effectiveConfig, IntSupplier exportFailures) {
        this(plan, effectiveConfig, exportFailures, java.time.Clock.systemUTC());
    }

    /**
     * {@code wall}: in a replay, Alertmanager times are engine times shifted by the difference between the wall
     * clock and the engine clock at the start (live runs: engine time is wall time).
     */
    public AlertsExtension(ScenarioPlan plan, Settings effectiveConfig, IntSupplier exportFailures, java.time.Clock wall) {
        this.wall = wall;
        this.resendIntervalMs = Durations.parse("alerts.alertmanager_resend_interval",
                effectiveConfig.get("alerts.alertmanager_resend_interval").orElse("1m")).toMillis();
        if (resendIntervalMs <= 0) {
            throw new IllegalArgumentException("alerts.alertmanager_resend_interval must be > 0");
        }
        this.engine = new AlertEngine(AlertRules.build(effectiveConfig, plan.alerts()));
        this.exportFailures = exportFailures;
        String am = effectiveConfig.string("alerts.alertmanager_url", "");
        if (am.isBlank() && plan.timeseries() != null) {
            am = plan.timeseries().options().getOrDefault("alertmanager_url", "");
        }
        this.alertmanagerUrl = am.strip();
    }

    @Override
    public String name() {
        return "alerts";
    }

    public AlertEngine engine() {
        return engine;
    }

    /** The current state of every rule (read by the time-series export for {@code soak_alert_state}). */
    public Map<String, AlertState> states() {
        return engine.states();
    }

    @Override
    public void beforeStart(RunContext run) {
        this.run = run;
        if (!alertmanagerUrl.isEmpty()) {
            alertmanager = new AlertmanagerClient(alertmanagerUrl, run.runId(), resendIntervalMs);
        }
        wallOffsetMs = run.plan().mode() == io.soak.api.plan.Mode.REPLAY ? wall.millis() - run.clock().millis() : 0;
        LOG.info("alerts: {} rules ({} enabled){}", engine.rules().size(),
                engine.rules().stream().filter(AlertRule::enabled).count(),
                alertmanager == null ? "" : ", alertmanager " + alertmanagerUrl);
    }

    @Override
    public void onHealthTick(RunContext run, RunStatus status) {
        health.tick(status);
        lastTickQueueDropped = status.queueDropped();
        if (alertmanager != null) {
            alertmanager.resendDue(run.clock().millis() + wallOffsetMs);
        }
    }

    /** Minutes that end after the stop began were cut short by it: they are exported, not judged. */
    @Override
    public void onStopping(RunContext run) {
        stoppingAtMs = run.clock().millis();
    }

    @Override
    public void onMinute(RunContext run, List<MinuteStats> minute) {
        if (minute.isEmpty()) {
            return;
        }
        MinuteStats all = minute.stream().filter(r -> MinuteStats.ALL.equals(r.symbol())).findFirst()
                .orElseGet(() -> sum(minute));
        if (stoppingAtMs >= 0 && all.minuteStartMs() + 60_000L > stoppingAtMs) {
            partialMinutesSkipped++;
            LOG.debug("alerts: minute {} was cut short by the stop: not evaluated", all.minuteStartMs());
            return;
        }
        long dropped = queueDropped(run);
        Evaluation e = new Evaluation(all.minuteStartMs(), all, minute, List.copyOf(previous),
                Math.max(0, dropped - lastQueueDropped), exportFailures(run), health.stretches(), health.details(),
                sources(run));
        lastQueueDropped = Math.max(lastQueueDropped, dropped);
        for (AlertTransition t : engine.evaluate(e)) {
            log(t);
            if (t.state().equals("firing")) {
                firedAt.put(t.rule(), t.atMs());
            }
            if (alertmanager != null && (t.state().equals("firing") || t.state().equals("resolved"))) {
                alertmanager.send(t, firedAt.getOrDefault(t.rule(), t.atMs()) + wallOffsetMs, t.atMs() + wallOffsetMs,
                        Math.max(t.atMs(), run.clock().millis()) + wallOffsetMs);
            }
        }
        if (alertmanager != null) {
            alertmanager.resendDue(run.clock().millis() + wallOffsetMs);
        }
        health.nextWindow(e.atMs());
        previous.addLast(all);
        while (previous.size() > HISTORY) {
            previous.removeFirst();
        }
    }

    /** The source's aliases (served symbol to recorded symbol): their decisions copy the recorded symbol's. */
    private static Map<String, String> sources(RunContext run) {
        io.soak.api.plan.SourceSpec source = run.plan() == null ? null : run.plan().source();
        return source == null ? Map.of() : source.aliases();
    }

    private long queueDropped(RunContext run) {
        try {
            RunStatus s = run.status();
            return s == null ? lastTickQueueDropped : s.queueDropped();
        } catch (RuntimeException e) {
            return lastTickQueueDropped;
        }
    }

    private int exportFailures(RunContext run) {
        if (exportFailures != null) {
            return exportFailures.getAsInt();
        }
        return (int) run.metrics("timeseries").counter("consecutive_failures");
    }

    private static void log(AlertTransition t) {
        String line = "alert {} {} at {} level={} value={} ({})";
        Object[] args = {t.rule(), t.state(), t.at(), t.level(), AlertEngine.jsonNumber(t.value()), t.details()};
        if (t.state().equals("firing")) {
            LOG.warn(line, args);
        } else {
            LOG.info(line, args);
        }
    }

    private static MinuteStats sum(List<MinuteStats> rows) {
        long d = 0, tot = 0, st = 0, b = 0, s = 0, o = 0, f = 0, fm = 0;
        double low = 0;
        Map<String, Long> gating = new TreeMap<>();
        for (MinuteStats r : rows) {
            d += r.decisions();
            tot += r.total();
            st += r.strong();
            b += r.buys();
            s += r.sells();
            o += r.orders();
            f += r.fills();
            fm += r.feedMessages();
            low += r.lowConsistencyShare() * r.decisions();
            r.gatingBreakdown().forEach((k, v) -> gating.merge(k, v, Long::sum));
        }
        return new MinuteStats(rows.get(0).minuteStartMs(), MinuteStats.ALL, d, tot, st, tot == 0 ? 0 : (double) st / tot,
                gating, d == 0 ? 0 : low / d, b, s, o, f, fm, Map.of());
    }

    @Override
    public Map<String, Object> manifestSections() {
        Map<String, Object> section = new TreeMap<>(engine.section());
        section.put("partial_minutes_skipped", partialMinutesSkipped);
        if (alertmanager != null) {
            section.put("alertmanager", alertmanager.section());
        }
        return Map.of("alerts", section);
    }
}
