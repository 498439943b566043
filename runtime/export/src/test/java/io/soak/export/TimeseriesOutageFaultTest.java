package io.soak.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code timeseries-outage} fault: the target unreachable for the window, pushes fail and count, export_failing fires. */
class TimeseriesOutageFaultTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void pushesInsideTheOutageFailAndCountExportFailingFiresAndTheTargetIsBackAfterIt() throws Exception {
        TestRun run = new TestRun(TestRun.plan(new TimeseriesSpec("prometheus", "http://127.0.0.1:9", false, Map.of(),
                Map.of())), dir);
        RecordingExporter target = new RecordingExporter();
        run.registry.addExporter(target);
        TimeseriesExtension ext = new TimeseriesExtension(run.plan,
                TimeseriesExtensionFactory.effective(run.plan, Settings.empty()));
        ext.beforeStart(run);
        int minute = 0;
        run.nowMs = TestRun.T0 + 60_000L;
        ext.onMinute(run, TestRun.minute(minute++, 50, 10));
        String effect = ext.onFault(run, new FaultSpec(Duration.ZERO, "timeseries-outage", "timeseries",
                Duration.ofMinutes(4), Map.of()));
        assertThat(effect).contains("unreachable for PT4M");
        assertThat(ext.onFault(run, new FaultSpec(Duration.ZERO, "kill", "signal", Duration.ZERO, Map.of()))).isNull();
        for (int i = 0; i < 4; i++) { // minutes 2..5 inside the window (ends at minute 5)
            run.nowMs = TestRun.T0 + (minute + 1) * 60_000L - 1;
            ext.onMinute(run, TestRun.minute(minute++, 50, 10));
        }
        assertThat(target.exported).hasSize(1);
        assertThat(ext.alerts().states().get("export_failing").id()).isEqualTo("firing");
        run.nowMs = TestRun.T0 + 6 * 60_000L;
        ext.onMinute(run, TestRun.minute(minute++, 50, 10));
        assertThat(target.exported).as("the first push after the window reaches the target").hasSize(2);
        Map<String, Object> s = (Map<String, Object>) ext.manifestSections().get("timeseries_export");
        assertThat(s).containsEntry("outage_pushes_failed", 4L).containsEntry("error_count", 4L)
                .containsEntry("max_consecutive_failures", 4).containsEntry("consecutive_failures", 0);
        assertThat((String) s.get("last_error")).contains("timeseries-outage");
    }
}
