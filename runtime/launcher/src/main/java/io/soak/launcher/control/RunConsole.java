package io.soak.launcher.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.log.Repeats;
import io.soak.api.stage.HealthState;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunStatus;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's view of a run, as a run extension: the live figures the progress line, {@code status} and
 * {@code watch} show (taken on the engine's control thread at every minute and health tick), the run's
 * timeline ({@code timeline.jsonl}: one line per closed minute with every symbol's figures, one per health
 * tick with each stage's health, resources, alerts and exports; what {@code report.html} plots), the
 * operator actions ({@code operator_actions}, each with {@code source: operator}), the control channel's
 * address ({@code control}) and the bundle versions current at the end with the swap history
 * ({@code versions}, which replaces the engine's start-time copy).
 */
public final class RunConsole implements RunExtension {

    private static final Logger LOG = LoggerFactory.getLogger(RunConsole.class);
    public static final String TIMELINE = "timeline.jsonl";

    /** Live figures; replaced as a whole (readers on other threads see one consistent snapshot). */
    public record Figures(long engineMs, long startMs, int minute, long messages, double msgsPerSec, long decisions,
                          long confirmed, long strong, double lastStrongRatio, String health, int restarts,
                          List<String> alertsFiring, List<String> alertsPending, long exportsOk, long exportsFailed,
                          long reconnects, double rssMb, int openFiles, int threads, String latency) {

        static Figures empty() {
            return new Figures(0, 0, 0, 0, 0, 0, 0, 0, 0, "starting", 0, List.of(), List.of(), 0, 0, 0, 0, 0, 0, "-");
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("engine_time", engineMs == 0 ? null : Instant.ofEpochMilli(engineMs).toString());
            m.put("engine_s", startMs == 0 ? 0 : (engineMs - startMs) / 1000.0);
            m.put("minute", minute);
            m.put("messages", messages);
            m.put("msgs_per_s", Math.round(msgsPerSec * 10) / 10.0);
            m.put("decisions", decisions);
            m.put("confirmed", confirmed);
            m.put("strong", strong);
            m.put("strong_ratio", confirmed == 0 ? 0.0 : Math.round(1000.0 * strong / confirmed) / 1000.0);
            m.put("last_minute_strong_ratio", Math.round(lastStrongRatio * 1000) / 1000.0);
            m.put("health", health);
            m.put("restarts", restarts);
            m.put("alerts_firing", alertsFiring);
            m.put("alerts_pending", alertsPending);
            m.put("exports_ok", exportsOk);
            m.put("exports_failed", exportsFailed);
            m.put("reconnects", reconnects);
            m.put("rss_mb", Math.round(rssMb * 10) / 10.0);
            m.put("open_files", openFiles);
            m.put("threads", threads);
            m.put("latency", latency);
            return m;
        }
    }

    /** Called with the figures at every closed minute (on the control thread): the once-a-minute log line. */
    public interface MinuteListener {
        void minute(Figures f);
    }

    private final List<RunExtension> others;
    private final Supplier<Map<String, String>> bundleVersions;
    private final Map<String, String> versionsAtStart;
    private final String runtimeVersion;
    private final List<Map<String, Object>> actions = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> bundleUpdates = new CopyOnWriteArrayList<>();
    private final List<MinuteListener> minuteListeners = new CopyOnWriteArrayList<>();
    private volatile Supplier<Map<String, Object>> control = () -> Map.of("transport", "none");
    private volatile Figures figures = Figures.empty();
    private volatile RunContext context;
    private volatile String hotDir;
    private volatile boolean ended;
    private BufferedWriter timeline;
    private ObjectMapper json;
    private long decisions;
    private long confirmed;
    private long strong;
    private int minutes;
    private double lastStrongRatio;
    private long lastHandled = -1;
    private long lastHandledAtMs;
    private double msgsPerSec;

    /**
     * @param others          the run's other extensions (alerts and export figures are read from their sections)
     * @param bundleVersions  the bundle versions now (symbolic name → version)
     * @param runtimeVersion  the runtime's version
     */
    public RunConsole(List<RunExtension> others, Supplier<Map<String, String>> bundleVersions, String runtimeVersion) {
        this.others = List.copyOf(others);
        this.bundleVersions = bundleVersions;
        this.versionsAtStart = new TreeMap<>(bundleVersions.get());
        this.runtimeVersion = runtimeVersion;
    }

    @Override
    public String name() {
        return "console";
    }

    /** Where the control channel listens (the manifest's {@code control} section). */
    public void control(Supplier<Map<String, Object>> section) {
        this.control = section;
    }

    /** The directory FileInstall watches for this run (recorded in {@code versions.hot_dir}). */
    public void hotDir(String dir) {
        this.hotDir = dir;
    }

    public void addMinuteListener(MinuteListener l) {
        minuteListeners.add(l);
    }

    public Figures figures() {
        return figures;
    }

    /** The run's context once it started (null before). */
    public RunContext context() {
        return context;
    }

    public boolean ended() {
        return ended;
    }

    /** Records one operator action ({@code source: operator}) with the run's engine time. */
    public Map<String, Object> recordAction(String action, String target, Map<String, Object> params, String result,
                                            boolean ok) {
        Map<String, Object> a = new LinkedHashMap<>();
        RunContext c = context;
        a.put("at", Instant.ofEpochMilli(c == null ? System.currentTimeMillis() : c.clock().millis()).toString());
        a.put("wall_at", Instant.now().toString());
        a.put("source", "operator");
        a.put("action", action);
        a.put("target", target);
        if (params != null && !params.isEmpty()) {
            a.put("params", new TreeMap<>(params));
        }
        a.put("ok", ok);
        a.put("result", result);
        actions.add(a);
        LOG.info("operator: {} {} -> {}", action, target == null ? "" : target, result);
        return a;
    }

    /** Records a bundle update (old → new version), from a hot/ drop or an operator's swap. */
    public void recordBundleUpdate(String bsn, String from, String to, String how) {
        Map<String, Object> u = new LinkedHashMap<>();
        RunContext c = context;
        u.put("at", Instant.ofEpochMilli(c == null ? System.currentTimeMillis() : c.clock().millis()).toString());
        u.put("bundle", bsn);
        u.put("from", from);
        u.put("to", to);
        u.put("how", how);
        bundleUpdates.add(u);
    }

    public List<Map<String, Object>> actions() {
        return List.copyOf(actions);
    }

    @Override
    public void beforeStart(RunContext run) {
        this.context = run;
        this.json = run.json();
        try {
            timeline = Files.newBufferedWriter(run.runDirectory().resolve(TIMELINE), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.warn("no {} for this run: {}", TIMELINE, e.getMessage());
        }
        figures = new Figures(run.clock().millis(), run.clock().millis(), 0, 0, 0, 0, 0, 0, 0, "starting", 0,
                List.of(), List.of(), 0, 0, 0, 0, 0, 0, run.latencySummary());
    }

    @Override
    public void onMinute(RunContext run, List<MinuteStats> minute) {
        minutes++;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "minute");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MinuteStats s : minute) {
            if (s.symbol().equals(MinuteStats.ALL)) {
                decisions += s.decisions();
                confirmed += s.total();
                strong += s.strong();
                lastStrongRatio = s.strongRatio();
                line.put("minute_start", Instant.ofEpochMilli(s.minuteStartMs()).toString());
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("symbol", s.symbol());
            r.put("decisions", s.decisions());
            r.put("confirmed", s.total());
            r.put("strong", s.strong());
            r.put("strong_ratio", s.strongRatio());
            r.put("low_consistency_share", s.lowConsistencyShare());
            r.put("orders", s.orders());
            r.put("fills", s.fills());
            r.put("feed_messages", s.feedMessages());
            r.put("lag_ms", s.latencyMs());
            rows.add(r);
        }
        line.put("minute", minutes);
        line.put("symbols", rows);
        write(line);
        Figures f = snapshot(run, run.status());
        figures = f;
        for (MinuteListener l : minuteListeners) {
            try {
                l.minute(f);
            } catch (RuntimeException e) {
                LOG.debug("minute listener failed", e);
            }
        }
    }

    @Override
    public void onHealthTick(RunContext run, RunStatus status) {
        Figures f = snapshot(run, status);
        figures = f;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", "tick");
        line.put("at", Instant.ofEpochMilli(status.timeMs()).toString());
        Map<String, Object> stages = new LinkedHashMap<>();
        for (RunStatus.StageStatus s : status.stages()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("health", s.health().name().toLowerCase());
            st.put("state", s.state());
            st.put("restarts", s.restartCount());
            st.put("queue", s.queueDepth());
            stages.put(s.stage(), st);
        }
        line.put("stages", stages);
        RunStatus.Resources r = status.resources();
        if (r != null) {
            line.put("rss_mb", Math.round(r.rssMb() * 10) / 10.0);
            line.put("open_files", r.openFiles());
            line.put("threads", r.threads());
        }
        line.put("alerts_firing", f.alertsFiring());
        line.put("alerts_pending", f.alertsPending());
        line.put("exports_ok", f.exportsOk());
        line.put("exports_failed", f.exportsFailed());
        line.put("msgs_per_s", Math.round(f.msgsPerSec() * 10) / 10.0);
        write(line);
    }

    @Override
    public void afterRun(RunContext run, Map<String, Object> manifest) {
        ended = true;
        if (timeline != null) {
            try {
                timeline.close();
            } catch (IOException e) {
                LOG.debug("closing the timeline", e);
            }
            timeline = null;
        }
    }

    @Override
    public Map<String, Object> manifestSections() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("control", control.get());
        m.put("operator_actions", List.copyOf(actions));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("runtime", runtimeVersion);
        Map<String, String> now = new TreeMap<>();
        try {
            now.putAll(bundleVersions.get());
        } catch (RuntimeException e) {
            now.putAll(versionsAtStart); // the framework is stopping
        }
        v.put("bundles", now);
        Map<String, String> changed = new TreeMap<>();
        now.forEach((b, ver) -> {
            String before = versionsAtStart.get(b);
            if (before != null && !before.equals(ver)) {
                changed.put(b, before + " -> " + ver);
            }
        });
        v.put("bundles_at_start", versionsAtStart);
        v.put("changed", changed);
        v.put("updates", List.copyOf(bundleUpdates));
        v.put("hot_dir", hotDir);
        m.put("versions", v);
        return m;
    }

    /** Failed timeline writes in a row: one warning per streak (the api's rule, as the export and the feed connection). */
    private final Repeats.Streak timelineFailures = new Repeats.Streak();

    private void write(Map<String, Object> line) {
        if (timeline == null) {
            return;
        }
        try {
            timeline.write(json.writeValueAsString(line));
            timeline.newLine();
            timeline.flush();
            long ended = timelineFailures.ended();
            if (ended > 0) {
                LOG.info("timeline lines written again after {} failed", ended);
            }
        } catch (IOException e) {
            if (timelineFailures.failed()) {
                LOG.warn("timeline line not written: {} (further failures in a row: in the debug log)", e.getMessage());
            } else {
                LOG.debug("timeline line not written ({} in a row): {}", timelineFailures.length(), e.getMessage());
            }
        }
    }

    private Figures snapshot(RunContext run, RunStatus status) {
        long now = status.timeMs();
        long handled = status.stages().isEmpty() ? 0 : status.stages().get(0).handled();
        if (lastHandled >= 0 && now > lastHandledAtMs) {
            msgsPerSec = (handled - lastHandled) * 1000.0 / (now - lastHandledAtMs);
        }
        if (lastHandled < 0 || now - lastHandledAtMs >= 1000) {
            lastHandled = handled;
            lastHandledAtMs = now;
        }
        String health = "healthy";
        int restarts = 0;
        for (RunStatus.StageStatus s : status.stages()) {
            restarts += s.restartCount();
            if (s.health() == HealthState.UNHEALTHY) {
                health = "unhealthy";
            } else if (s.health() == HealthState.DEGRADED && !health.equals("unhealthy")) {
                health = "degraded";
            }
        }
        List<String> firing = List.of();
        List<String> pending = List.of();
        long ok = 0;
        long failed = 0;
        for (RunExtension x : others) {
            Map<String, Object> sec;
            try {
                sec = x.manifestSections();
            } catch (RuntimeException e) {
                continue;
            }
            if (sec.get("alerts") instanceof Map<?, ?> a) {
                firing = strings(a.get("active_at_end"));
                pending = strings(a.get("pending_at_end"));
            }
            if (sec.get("timeseries_export") instanceof Map<?, ?> t) {
                ok = num(t.get("export_count"));
                failed = num(t.get("error_count"));
            }
        }
        long reconnects = run.metrics("source").counter("reconnect_count");
        RunStatus.Resources r = status.resources();
        return new Figures(now, figures.startMs() == 0 ? now : figures.startMs(), minutes, handled, msgsPerSec,
                decisions, confirmed, strong, lastStrongRatio, health, restarts, firing, pending, ok, failed,
                reconnects, r == null ? 0 : r.rssMb(), r == null ? 0 : r.openFiles(), r == null ? 0 : r.threads(),
                run.latencySummary());
    }

    private static List<String> strings(Object o) {
        if (o instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    /** The timeline of a run directory (empty when absent): one map per line. */
    public static List<Map<String, Object>> readTimeline(Path runDir, ObjectMapper json) throws IOException {
        Path f = runDir.resolve(TIMELINE);
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (!l.isBlank()) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = json.readValue(l, Map.class);
                    out.add(m);
                } catch (IOException e) {
                    // a torn last line after a kill: skipped
                }
            }
        }
        return out;
    }
}
