package io.soak.itests.runtime;

import static io.soak.itests.runtime.CounterPlans.at;
import static io.soak.itests.runtime.CounterPlans.num;
import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.AlertRuleSpec;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.export.TimeseriesExtensionFactory;
import io.soak.testing.SoakHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code timeseries-outage} through the real runtime: counter feed → pass → report (real report bundle, one
 * minute row set per minute) → the time-series extension exporting to the file exporter bundle. During the
 * outage every push fails and counts; {@code export_failing} fires, and resolves once the target is back.
 * Before the fault was carried out, the run recorded it "not applied" and exited 0 with every push made.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TimeseriesOutageThroughFelixIT {

    @RegisterExtension
    final SoakHost host = SoakHost.builder().bundles("soak-test-stages", "soak-report", "soak-exporter-file")
            .awaitStages("pass", "report").await(Registry.REPLAY, "counter").await(Registry.EXPORTER, "file").build();

    @Test
    @SuppressWarnings("unchecked")
    void pushesDuringTheOutageFailAndCountAndExportFailingFiresThenResolves() throws Exception {
        SourceSpec source = new SourceSpec("counter", List.of("TEST"), List.of(), "", List.of(), false, Map.of(),
                Map.of(), Map.of("rate", 50));
        AlertRuleSpec exportFailing = new AlertRuleSpec("export_failing", "warning", "export_failing", Duration.ZERO,
                Duration.ZERO, Map.of("consecutive", 3L), true);
        ScenarioPlan plan = new ScenarioPlan("ts-outage", "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 7,
                Duration.ofMinutes(12), source, List.of("pass", "report"), List.of(), Duration.ofSeconds(10),
                RestartPolicy.defaults(), TimeseriesSpec.file(), List.of(exportFailing),
                List.of(new FaultSpec(Duration.ofSeconds(150), "timeseries-outage", "timeseries", Duration.ofMinutes(5),
                        Map.of())), List.of(), Map.of(), "UTC");
        RunOutcome out = host.newRun(plan, Settings.empty(), null,
                List.of(new TimeseriesExtensionFactory().create(plan, Settings.empty()))).run();
        Map<String, Object> m = out.manifest();

        assertThat(String.valueOf(at(m, "faults.0.effect"))).startsWith("time-series target").contains("unreachable for PT5M");
        // minutes closing inside [2:30, 7:30) are pushed at 3:00 .. 7:00: five failed pushes
        assertThat(num(m, "timeseries_export.outage_pushes_failed")).isEqualTo(5);
        assertThat(num(m, "timeseries_export.error_count")).isEqualTo(5);
        assertThat(num(m, "timeseries_export.max_consecutive_failures")).isEqualTo(5);
        assertThat(num(m, "timeseries_export.consecutive_failures")).isZero();
        assertThat((List<Object>) at(m, "alerts.fired_rules")).contains("export_failing");
        assertThat((List<Object>) at(m, "alerts.resolved_rules")).contains("export_failing");
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
    }
}
