package io.soak.itests.timeseries;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.TimeseriesSpec;
import io.soak.engine.Registry;
import io.soak.testing.SoakHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file exporter bundle (the embedded default) through Felix: the per-minute OpenMetrics file of a run
 * ends with exactly one {@code # EOF} and is accepted by Prometheus' own OpenMetrics importer
 * ({@code promtool tsdb create-blocks-from openmetrics}), samples and timestamps included.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FileExportIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-exporter-file").build();

    private static final Path PROMTOOL = Path.of(System.getProperty("soak.promtool", "/usr/bin/promtool"));

    @TempDir
    Path dir;

    @Test
    void theRunsOpenMetricsFileIsCompleteAndPromtoolImportsIt() throws Exception {
        HOST.awaitFactories(Map.of(Registry.EXPORTER, Set.of("file")), Duration.ofSeconds(30));
        MinuteRun run = new MinuteRun("it-file", TimeseriesSpec.file(), HOST.registry(), dir);
        run.start();
        for (int i = 0; i < 3; i++) {
            run.close(100, 40, 8 + i, 0.1);
        }
        run.finish();
        assertThat(run.section("timeseries_export")).containsEntry("export_count", 4L).containsEntry("error_count", 0L);
        Path file = dir.resolve("timeseries/metrics.om");
        String text = Files.readString(file);
        assertThat(text).endsWith("\n# EOF\n");
        assertThat(text.split("# EOF", -1)).hasSize(2);
        assertThat(text).contains("# TYPE soak_signals counter\n")
                .contains("soak_signals_total{run_id=\"it-file\",sink=\"jsonl\",symbol=\"BTCUSDT\"} 120 ");
        // case 3: strictly valid: every family once, each series' points together (no "clashing name")
        java.util.List<String> types = text.lines().filter(l -> l.startsWith("# TYPE ")).toList();
        assertThat(types).doesNotHaveDuplicates();
        java.util.Set<String> closedSeries = new java.util.HashSet<>();
        String current = null;
        for (String l : text.lines().filter(l -> !l.startsWith("#")).toList()) {
            String series = l.substring(0, l.lastIndexOf(' ', l.lastIndexOf(' ') - 1));
            if (!series.equals(current)) {
                assertThat(closedSeries.add(series)).as("points of %s not together", series).isTrue();
                current = series;
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> rb = (Map<String, Object>) run.section("timeseries_export").get("read_back");
        assertThat(rb).containsEntry("found", text.lines().filter(l -> !l.startsWith("#")).count());

        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL), PROMTOOL + " not installed: run `scripts/services.sh start`");
        Process p = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", file.toString(),
                dir.resolve("blocks").toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("promtool import of %s:%n%s", file, out).isZero();
        assertThat(out).as("a block was written").contains("BLOCK ULID");
    }
}
