package io.soak.benchmarks.timeseries;

import io.soak.alerts.AlertEngine;
import io.soak.alerts.AlertRules;
import io.soak.alerts.Evaluation;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Settings;
import io.soak.api.stats.MinuteStats;
import io.soak.engine.RunStatus;
import io.soak.export.MetricsBuilder;
import io.soak.exporter.pushgateway.internal.TextFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine-thread cost of one closed minute for the time-series extension, without the network: evaluate the
 * six standard alert rules, build the snapshot (6 symbols + all, 6 guard reasons, 4 stages) and encode it as
 * exposition 0.0.4. Shows that the per-minute work is negligible next to the HTTP call it precedes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx256m", "-XX:+UseSerialGC"})
public class MinuteExportBenchmark {

    private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT");
    private static final List<String> REASONS = List.of("warmup", "spread_bps>20.0", "lag_sec>3.0", "stale_book",
            "low_consistency", "weak_signal");

    private AlertEngine alerts;
    private MetricsBuilder builder;
    private RunStatus status;
    private final List<MinuteStats> previous = new ArrayList<>();
    private long minute;

    @Setup
    public void setup() {
        alerts = new AlertEngine(AlertRules.build(Settings.empty(), List.of()));
        builder = new MetricsBuilder("bench-run", List.of("jsonl", "sqlite"));
        List<RunStatus.StageStatus> stages = new ArrayList<>();
        for (String s : List.of("harvest", "signal", "broker", "report")) {
            stages.add(new RunStatus.StageStatus(s, "running", HealthState.HEALTHY, "", 0, 3, 1000));
        }
        status = new RunStatus(0, stages, 0, new RunStatus.Resources(150, 160, 20, 22, 30, 31));
    }

    private List<MinuteStats> rows(long start) {
        Map<String, Long> gating = new java.util.TreeMap<>();
        REASONS.forEach(r -> gating.put(r, 10L + minute % 7));
        List<MinuteStats> rows = new ArrayList<>();
        for (String s : SYMBOLS) {
            rows.add(new MinuteStats(start, s, 1500, 300, 30 + minute % 5, 0.1, gating, 0.2, 150, 150, 20, 20, 9000,
                    Map.of("p50", 5.0, "p90", 9.0, "p99", 20.0, "max", 40.0)));
        }
        rows.add(new MinuteStats(start, MinuteStats.ALL, 9000, 1800, 180, 0.1, gating, 0.2, 900, 900, 120, 120, 54000,
                Map.of("p50", 5.0, "p90", 9.0, "p99", 20.0, "max", 40.0)));
        return rows;
    }

    @Benchmark
    public String closedMinute() {
        long start = 1_767_225_600_000L + minute++ * 60_000L;
        List<MinuteStats> rows = rows(start);
        MinuteStats all = rows.get(rows.size() - 1);
        alerts.evaluate(new Evaluation(start, all, rows, previous, 0, 0, Map.of(), Map.of()));
        previous.add(all);
        if (previous.size() > 120) {
            previous.remove(0);
        }
        builder.minute(rows);
        MetricsSnapshot s = builder.snapshot(start + 60_000, status, alerts.states(), alerts.rules(), 0, false);
        return TextFormat.encode(s.samples());
    }
}
