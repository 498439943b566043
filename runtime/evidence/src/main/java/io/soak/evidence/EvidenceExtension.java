package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.sink.SinkFactory;
import io.soak.api.stage.StageMetrics;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evidence of one run. After the run (sinks committed and closed) it reads every sink back through its
 * factory from the run's Registry, writes parity_diff.json and the per-sink summaries and publishes the
 * {@code parity} (and {@code minutes}) manifest sections; after the verdict it writes the four reports.
 */
public final class EvidenceExtension implements RunExtension {

    private static final Logger LOG = LoggerFactory.getLogger(EvidenceExtension.class);

    private final ScenarioPlan plan;
    private final Map<String, Object> sections = new LinkedHashMap<>();

    public EvidenceExtension(ScenarioPlan plan) {
        this.plan = plan;
    }

    @Override
    public String name() {
        return "evidence";
    }

    /** After the other extensions: the summaries copy their sections (time-series export, alerts) as final. */
    @Override
    public int afterRunOrder() {
        return 1;
    }

    @Override
    public void afterRun(RunContext run, Map<String, Object> manifest) throws Exception {
        List<String> planned = Tree.sinks(plan.sinks());
        Map<String, SinkFactory> sinks = new LinkedHashMap<>();
        for (String type : planned) {
            SinkFactory f = run.registry().sink(type).orElseThrow(() -> new IllegalStateException(
                    "sink factory '" + type + "' is gone: cannot read the " + type + " sink back for parity"));
            sinks.put(type, f);
        }
        ObjectMapper json = run.json();
        Evidence e = Evidence.compute(run.runId(), run.runDirectory(), sinks, planned, manifest, zone(plan), json);
        e.write(run.runDirectory(), json);
        sections.put("parity", e.paritySection());
        if (plan.stages().contains("report") && manifest.get("minutes") == null) {
            sections.put("minutes", minutes(run.metrics("report")));
        }
        LOG.info("evidence of run {}: parity {}", run.runId(), e.paritySection().get("status").equals("compared")
                ? (e.parity().exactMatch() ? "exact match" : e.parity().differences() + " difference(s)") : "not applicable");
    }

    @Override
    public void afterVerdict(RunContext run, Map<String, Object> manifest) throws Exception {
        // last of the extensions (afterRunOrder 1): the time-series run summary is pushed, the copies follow it
        Summaries.refreshCopies(reports(run.runDirectory()), manifest, zone(plan), run.json());
        Reports.writeAll(new io.soak.api.run.RunDirectory(run.runDirectory()).reports(), manifest, zone(plan), run.json());
        HtmlReport.write(run.runDirectory(), manifest, run.json());
    }

    @Override
    public Map<String, Object> manifestSections() {
        return Map.copyOf(sections);
    }

    /** The report stage's run totals (the engine keeps its metrics across restarts). */
    static Map<String, Object> minutes(StageMetrics report) {
        Map<String, Object> m = new LinkedHashMap<>();
        long total = report.counter("total");
        long strong = report.counter("strong");
        m.put("closed", report.counter("closed"));
        m.put("decisions", report.counter("decisions"));
        m.put("total", total);
        m.put("strong", strong);
        m.put("strong_ratio", total == 0 ? 0.0 : (double) strong / total);
        m.put("late_events", report.counter("late_events"));
        return m;
    }

    static ZoneId zone(ScenarioPlan plan) {
        return zone(plan.reportTimeZone());
    }

    static ZoneId zone(Object id) {
        if (id == null || String.valueOf(id).isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(String.valueOf(id));
        } catch (RuntimeException e) {
            LOG.warn("report time zone '{}' is not an IANA zone; reports use UTC", id);
            return ZoneId.of("UTC");
        }
    }

    static Path reports(Path runDirectory) {
        return new io.soak.api.run.RunDirectory(runDirectory).reports();
    }
}
