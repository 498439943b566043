package io.soak.exporter.file.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.export.ExporterContext;
import io.soak.api.export.MetricSample;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileExporterTest {

    @TempDir
    Path runDir;

    private ExporterContext context() {
        return new ExporterContext() {
            public String runId() {
                return "r1";
            }

            public TimeseriesSpec spec() {
                return TimeseriesSpec.file();
            }

            public Clock clock() {
                return () -> 0L;
            }

            public StageMetrics metrics() {
                return null;
            }

            public Path runDirectory() {
                return runDir;
            }
        };
    }

    private static MetricsSnapshot snap(long ms, double signals, boolean last) {
        return new MetricsSnapshot(ms, ms - 60_000, List.of(
                new MetricSample("soak_signals_total", "Confirmed \"decisions\"", "counter", Map.of("run_id", "r1", "symbol", "all"), signals),
                new MetricSample("soak_strong_ratio", "ratio", "gauge", Map.of("run_id", "r1", "symbol", "a\\b"), 0.5)), last);
    }

    @Test
    void writesEachFamilyOnceWithTheSeriesPointsTogetherAndOneEofAtTheEnd() throws Exception {
        FileExporter e = new FileExporter(context());
        assertThat(e.preflight().reachable()).isTrue();
        e.export(snap(1_767_225_660_000L, 5, false));
        e.export(snap(1_767_225_720_500L, 9, true));
        String text = Files.readString(runDir.resolve("timeseries/metrics.om"));
        assertThat(e.readBack().orElseThrow().found()).isEqualTo(4).isEqualTo(e.readBack().orElseThrow().written());
        assertThat(text).isEqualTo("""
                # TYPE soak_signals counter
                # HELP soak_signals Confirmed \\"decisions\\"
                soak_signals_total{run_id="r1",symbol="all"} 5 1767225660
                soak_signals_total{run_id="r1",symbol="all"} 9 1767225720.500
                # TYPE soak_strong_ratio gauge
                # HELP soak_strong_ratio ratio
                soak_strong_ratio{run_id="r1",symbol="a\\\\b"} 0.5 1767225660
                soak_strong_ratio{run_id="r1",symbol="a\\\\b"} 0.5 1767225720.500
                # EOF
                """);
    }

    @Test
    void preflightFailsWhenTheDirectoryCannotBeCreated() throws Exception {
        Files.writeString(runDir.resolve("timeseries"), "a file, not a directory");
        assertThat(new FileExporter(context()).preflight().reachable()).isFalse();
    }

    @Test
    void aSnapshotAtTheSameTimeIsWrittenOneMillisecondLater() throws Exception {
        FileExporter e = new FileExporter(context());
        e.export(snap(1000, 1, false));
        e.export(snap(1000, 2, true));
        assertThat(Files.readString(runDir.resolve("timeseries/metrics.om"))).contains("} 2 1.001\n");
    }
}
