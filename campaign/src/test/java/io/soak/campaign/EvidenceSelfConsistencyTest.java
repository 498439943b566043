package io.soak.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.run.RunDirectory;
import io.soak.api.stage.Settings;
import io.soak.engine.EngineOptions;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import io.soak.engine.internal.EvidenceConsistency;
import io.soak.evidence.EvidenceExtension;
import io.soak.export.TimeseriesExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence agrees with the final manifest leaf by leaf, the time-series run summary included: a real-pipeline
 * run with alerts + export (file exporter) and the evidence extension, checked afterwards as {@code soak verify}
 * does. Failed before (with the name skip of {@code timeseries_export.summary} removed): the summaries' copy said
 * {@code summary.pushes 0}, the final manifest 1, because the run summary is pushed after the verdict, after the
 * summaries were written; now the evidence extension refreshes its copies last, after the push.
 */
class EvidenceSelfConsistencyTest {

    @TempDir
    Path runs;

    @Test
    @SuppressWarnings("unchecked")
    void theSummariesCopyTheTimeseriesSectionAsItIsAfterTheRunSummaryPush() throws Exception {
        ScenarioPlan plan = FaultCampaign.plan(11, List.of());
        RunOutcome out = new SoakRun(plan, FaultCampaign.registry(), List.of(new TimeseriesExtension(plan,
                new Settings(plan.config())), new EvidenceExtension(plan)), EngineOptions.of(runs).withRunId("evidence"))
                .run();
        assertThat(out.exitCode()).as("%s", out.failures()).isZero();
        Path dir = runs.resolve("evidence");
        Map<String, Object> manifest = FaultCampaign.JSON.readValue(dir.resolve("run_manifest.json").toFile(), Map.class);
        assertThat(FaultCampaign.num(manifest, "timeseries_export.summary.pushes")).isEqualTo(1);
        Map<String, Object> c = EvidenceConsistency.check(new RunDirectory(dir), manifest);
        assertThat((List<String>) c.get("contradictions")).isEmpty();
        assertThat((List<String>) c.get("checked"))
                .contains("reports/summary_jsonl.json runtime_state.timeseries_export.summary.pushes",
                        "reports/summary_sqlite.json runtime_state.timeseries_export.summary.pushes");
        assertThat(Files.readString(dir.resolve("reports/summary_sqlite.md"))).contains("summary");
    }
}
