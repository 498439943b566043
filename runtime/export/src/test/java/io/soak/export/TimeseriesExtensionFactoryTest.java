package io.soak.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.engine.RunExtension;
import io.soak.engine.RunExtensionFactory;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class TimeseriesExtensionFactoryTest {

    @Test
    void theLauncherFindsTheFactoryThroughServiceLoader() {
        List<RunExtensionFactory> found = ServiceLoader.load(RunExtensionFactory.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(found).hasAtLeastOneElementOfType(TimeseriesExtensionFactory.class);
    }

    @Test
    void planConfigOverridesOverlayTheDefaultsForTheRuleParameters() {
        var plan = TestRun.plan(TimeseriesSpec.file());
        plan = new io.soak.api.plan.ScenarioPlan(plan.name(), plan.scriptFile(), plan.scriptHash(), plan.mode(), plan.pace(),
                plan.seed(), plan.duration(), plan.source(), plan.stages(), plan.sinks(), plan.healthInterval(),
                plan.restartPolicy(), plan.timeseries(), plan.alerts(), plan.faults(), plan.expectations(),
                Map.of("alerts.low_consistency.min_decisions", 7), plan.reportTimeZone());
        RunExtension ext = new TimeseriesExtensionFactory().create(plan,
                new Settings(Map.of("alerts.low_consistency.min_decisions", 50, "alerts.low_consistency.threshold", 0.6)));
        var rule = ((TimeseriesExtension) ext).alerts().engine().rules().get(1);
        assertThat(rule.name()).isEqualTo("low_consistency");
        assertThat(rule.condition().params()).containsEntry("min_decisions", 7L).containsEntry("threshold", 0.6);
    }

    @Test
    void theSinkLabelNamesTheSinksTheWayTheCommandLineDoes() {
        assertThat(MetricsBuilder.sinkLabel(List.of("jsonl"))).isEqualTo("jsonl");
        assertThat(MetricsBuilder.sinkLabel(List.of("sqlite", "jsonl"))).isEqualTo("dual");
        assertThat(MetricsBuilder.sinkLabel(List.of())).isEqualTo("none");
        assertThat(MetricsBuilder.sinkLabel(List.of("jsonl", "kafka"))).isEqualTo("jsonl+kafka");
    }

    @Test
    void withoutAPlanTargetTheConfigSaysWhereToExport() {
        TimeseriesSpec s = ExportExtension.specFromConfig(new Settings(Map.of("timeseries.type", "prometheus",
                "timeseries.url", "http://127.0.0.1:9091", "timeseries.required", true, "timeseries.options.job", "x")));
        assertThat(s).isEqualTo(new TimeseriesSpec("prometheus", "http://127.0.0.1:9091", true, Map.of("job", "x"), Map.of()));
    }
}
