package io.soak.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.export.MetricSample;
import io.soak.api.export.MetricsSnapshot;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeseriesExtensionTest {

    @TempDir
    Path dir;

    private static final TimeseriesSpec PUSHGATEWAY = new TimeseriesSpec("prometheus", "http://user:secret@127.0.0.1:9",
            false, Map.of(), Map.of("token", "t0ken"));

    private TestRun run(TimeseriesSpec spec) {
        return new TestRun(TestRun.plan(spec), dir);
    }

    private static TimeseriesExtension extension(TestRun run) {
        return new TimeseriesExtension(run.plan, TimeseriesExtensionFactory.effective(run.plan, Settings.empty()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(TimeseriesExtension ext, String name) {
        return (Map<String, Object>) ext.manifestSections().get(name);
    }

    private static double value(MetricsSnapshot s, String name, Map<String, String> labels) {
        return s.samples().stream().filter(m -> m.name().equals(name) && m.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(MetricSample::value).findFirst().orElseThrow(() -> new AssertionError("no " + name + labels));
    }

    @Test
    void exportsEveryClosedMinuteAndAFinalPushThenClosesTheExporter() throws Exception {
        TestRun run = run(PUSHGATEWAY);
        RecordingExporter target = new RecordingExporter();
        run.registry.addExporter(target);
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        for (int i = 0; i < 60; i++) {
            run.nowMs = TestRun.T0 + (i + 1) * 60_000L;
            ext.onMinute(run, TestRun.minute(i, 50, 10));
        }
        ext.onStopping(run);
        ext.afterRun(run, Map.of());
        assertThat(target.exported).hasSize(61);
        ext.afterVerdict(run, Map.of("verdict", Map.of("passed", true)));
        assertThat(target.closed).isTrue();
        assertThat(value(target.summary, "soak_run_verdict", Map.of("verdict", "pass"))).isEqualTo(1);
        assertThat(value(target.summary, "soak_run_verdict", Map.of("verdict", "fail"))).isZero();
        assertThat(value(target.summary, "soak_run_last_success_timestamp_seconds", Map.of())).isPositive();
        assertThat(value(target.summary, "soak_last_run_info", Map.of("scenario", "t"))).isEqualTo(1);
        MetricsSnapshot last = target.exported.get(60);
        assertThat(last.last()).isTrue();
        assertThat(value(last, "soak_signals_total", Map.of("symbol", "BTCUSDT"))).isEqualTo(3000);
        assertThat(value(last, "soak_run_finished", Map.of())).isEqualTo(1);
        assertThat(value(target.exported.get(0), "soak_run_finished", Map.of())).isZero();
        Map<String, Object> s = section(ext, "timeseries_export");
        assertThat(s).containsEntry("export_count", 61L).containsEntry("error_count", 0L)
                .containsEntry("consecutive_failures", 0).containsEntry("type", "prometheus")
                .containsEntry("target", "http://127.0.0.1:9").containsEntry("final_push", true);
        assertThat(s.toString()).doesNotContain("secret").doesNotContain("t0ken");
        assertThat((Map<String, Object>) s.get("latency_ms")).containsKeys("p50", "p99", "max");
        assertThat(run.metrics.get("timeseries").get("export_count").get()).isEqualTo(61);
    }

    @Test
    void snapshotsCarryTheRunLabelsAndNoDuplicateSeries() throws Exception {
        TestRun run = run(PUSHGATEWAY);
        RecordingExporter target = new RecordingExporter();
        run.registry.addExporter(target);
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        ext.onMinute(run, TestRun.minute(0, 50, 10));
        MetricsSnapshot s = target.exported.get(0);
        Set<String> seen = new HashSet<>();
        for (MetricSample m : s.samples()) {
            assertThat(seen.add(m.name() + m.labels())).as("duplicate %s%s", m.name(), m.labels()).isTrue();
            assertThat(m.labels()).containsEntry("run_id", "run-1").containsEntry("sink", "dual");
            assertThat(m.labels().get("symbol")).as("%s: the all-symbols row has families of its own", m.name())
                    .isNotEqualTo("all");
        }
        assertThat(value(s, "soak_gating_total", Map.of("symbol", "BTCUSDT", "reason", "low_consistency"))).isEqualTo(10);
        assertThat(value(s, "soak_all_symbols_strong_ratio", Map.of())).isEqualTo(0.2);
        assertThat(value(s, "soak_strong_ratio", Map.of("symbol", "BTCUSDT"))).isEqualTo(0.2);
        assertThat(value(s, "soak_last_minute_signals", Map.of("symbol", "BTCUSDT"))).isEqualTo(50);
        assertThat(value(s, "soak_stage_health", Map.of("stage", "signal"))).isZero();
        assertThat(value(s, "soak_restarts_total", Map.of("stage", "signal"))).isEqualTo(1);
        assertThat(value(s, "soak_queue_depth", Map.of("stage", "signal"))).isEqualTo(3);
        assertThat(value(s, "soak_process_resident_memory_bytes", Map.of())).isEqualTo(Math.round(150.5 * 1024 * 1024));
        assertThat(value(s, "soak_process_open_fds", Map.of())).isEqualTo(20);
        assertThat(value(s, "soak_alert_state", Map.of("rule", "no_signals", "level", "critical"))).isZero();
        assertThat(value(s, "soak_lag_seconds", Map.of("symbol", "BTCUSDT", "stat", "p99"))).isEqualTo(0.012);
        assertThat(value(s, "soak_all_symbols_lag_seconds", Map.of("stat", "p99"))).isEqualTo(0.012);
        assertThat(value(s, "soak_run_info", Map.of("pace", "max", "timestamps", "scrape_time"))).isEqualTo(1);
    }

    @Test
    void failedExportsAreCountedAndExportFailingFiresAtTheThirdAndResolvesWhenTheTargetIsBack() throws Exception {
        TestRun run = run(PUSHGATEWAY);
        RecordingExporter target = new RecordingExporter();
        run.registry.addExporter(target);
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        int minute = 0;
        ext.onMinute(run, TestRun.minute(minute++, 50, 10));
        target.down = true;
        for (int i = 0; i < 4; i++) {
            ext.onMinute(run, TestRun.minute(minute++, 50, 10));
        }
        // evaluated before the 4th failed export: 3 failures so far
        assertThat(ext.alerts().states().get("export_failing").id()).isEqualTo("firing");
        target.down = false;
        ext.onMinute(run, TestRun.minute(minute++, 50, 10));
        assertThat(ext.alerts().states().get("export_failing").id()).as("evaluated before the successful export").isEqualTo("firing");
        MetricsSnapshot back = target.exported.get(target.exported.size() - 1);
        assertThat(value(back, "soak_alert_state", Map.of("rule", "export_failing"))).isEqualTo(2);
        ext.onMinute(run, TestRun.minute(minute++, 50, 10));
        assertThat(ext.alerts().states().get("export_failing").id()).isEqualTo("inactive");
        Map<String, Object> s = section(ext, "timeseries_export");
        assertThat(s).containsEntry("error_count", 4L).containsEntry("export_count", 3L)
                .containsEntry("max_consecutive_failures", 4).containsEntry("consecutive_failures", 0);
        assertThat((String) s.get("last_error")).contains("connection refused");
        assertThat(section(ext, "alerts").get("resolved_rules")).isEqualTo(List.of("export_failing"));
    }

    @Test
    void anUnreachableTargetIsAWarningAndACountedErrorUnlessRequired() throws Exception {
        TestRun run = run(PUSHGATEWAY);
        RecordingExporter target = new RecordingExporter();
        target.reachable = false;
        run.registry.addExporter(target);
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        assertThat(section(ext, "timeseries_export")).containsEntry("error_count", 1L);
        assertThat((Map<String, Object>) section(ext, "timeseries_export").get("preflight")).containsEntry("state", "failed")
                .containsEntry("reachable", false);

        TestRun strict = run(new TimeseriesSpec("prometheus", "http://127.0.0.1:9", true, Map.of(), Map.of()));
        strict.registry.addExporter(target);
        assertThatThrownBy(() -> extension(strict).beforeStart(strict)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unreachable").hasMessageContaining("required");
    }

    @Test
    void aMissingExporterTypeIsCountedAndTheMinutesStillGetEvaluated() throws Exception {
        TestRun run = run(new TimeseriesSpec("influxdb", "http://127.0.0.1:9", false, Map.of(), Map.of()));
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        ext.onMinute(run, TestRun.minute(0, 0, 0));
        ext.onMinute(run, TestRun.minute(1, 0, 0));
        ext.afterRun(run, Map.of());
        assertThat(section(ext, "timeseries_export")).containsEntry("error_count", 1L).containsEntry("export_count", 0L);
        assertThat((String) section(ext, "timeseries_export").get("last_error")).contains("no exporter for time-series type 'influxdb'");
        assertThat(section(ext, "alerts").get("fired_rules")).isEqualTo(List.of("no_signals"));
    }

    @Test
    void typeNoneExportsNothingAndCountsNothing() throws Exception {
        TestRun run = run(new TimeseriesSpec("none", "", false, Map.of(), Map.of()));
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        ext.onMinute(run, TestRun.minute(0, 5, 1));
        ext.afterRun(run, Map.of());
        assertThat(section(ext, "timeseries_export")).containsEntry("error_count", 0L).containsEntry("export_count", 0L);
    }

    @Test
    void dataDroppedFollowsTheIngressCounterBetweenMinutes() throws Exception {
        TestRun run = run(new TimeseriesSpec("none", "", false, Map.of(), Map.of()));
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        ext.onMinute(run, TestRun.minute(0, 5, 1));
        run.status = TestRun.status(4, io.soak.api.stage.HealthState.HEALTHY);
        ext.onMinute(run, TestRun.minute(1, 5, 1));
        assertThat(ext.alerts().states().get("data_dropped").id()).isEqualTo("firing");
        ext.onMinute(run, TestRun.minute(2, 5, 1));
        assertThat(ext.alerts().states().get("data_dropped").id()).isEqualTo("inactive");
    }

    @Test
    void aMinuteCutShortByTheStopIsExportedButNotJudged() throws Exception {
        TestRun run = run(PUSHGATEWAY);
        RecordingExporter target = new RecordingExporter();
        run.registry.addExporter(target);
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        run.nowMs = TestRun.T0 + 60_000L;
        ext.onMinute(run, TestRun.minute(0, 0, 0));
        run.nowMs = TestRun.T0 + 60_008L;
        ext.onStopping(run);
        ext.onMinute(run, TestRun.minute(1, 0, 0)); // 8 ms of data: would have made no_signals fire
        ext.afterRun(run, Map.of());
        assertThat(target.exported).hasSize(3);
        assertThat(ext.alerts().states().get("no_signals").id()).isEqualTo("pending");
        assertThat(section(ext, "alerts")).containsEntry("partial_minutes_skipped", 1L);
    }

    @Test
    void credentialsAreStrippedFromTargets() {
        assertThat(ExportExtension.stripCredentials("http://u:p@127.0.0.1:9091/x")).isEqualTo("http://127.0.0.1:9091/x");
        assertThat(ExportExtension.stripCredentials("http://127.0.0.1:9091")).isEqualTo("http://127.0.0.1:9091");
    }

    @Test
    void pointsTheServerDidNotKeepAreErrorsWithItsReasonAndDoNotCountAsExports() throws Exception {
        // case 1 of issue 12: 2xx for every write, the server kept nothing; exports used to count the 2xx answers
        TestRun run = run(PUSHGATEWAY);
        RecordingExporter target = new RecordingExporter();
        target.dropped = Long.MAX_VALUE;
        target.dropReason = "vm_rows_ignored_total{reason=\"small_timestamp\"} +42";
        run.registry.addExporter(target);
        TimeseriesExtension ext = extension(run);
        ext.beforeStart(run);
        for (int i = 0; i < 3; i++) {
            run.nowMs = TestRun.T0 + (i + 1) * 60_000L;
            ext.onMinute(run, TestRun.minute(i, 50, 10));
        }
        ext.onStopping(run);
        ext.afterRun(run, Map.of());
        Map<String, Object> s = section(ext, "timeseries_export");
        assertThat(s).containsEntry("sent_count", 4L).containsEntry("export_count", 0L).containsEntry("error_count", 4L);
        assertThat((String) s.get("last_error")).contains("holds 0 of the").contains("small_timestamp");
        @SuppressWarnings("unchecked")
        Map<String, Object> rb = (Map<String, Object>) s.get("read_back");
        assertThat(rb).containsEntry("found", 0L).containsEntry("unverified_exports", 4L);
    }

    @Test
    void aMaxPaceReplayToATimestampedTargetIsExportedAtTheEndShiftedByWholeMinutesToEndAtTheWallTime() throws Exception {
        TestRun run = run(new TimeseriesSpec("influxdb", "http://127.0.0.1:9", false, Map.of(), Map.of()));
        RecordingExporter target = new RecordingExporter();
        target.timestamped = true;
        target.type = "influxdb";
        run.registry.addExporter(target);
        long wallEnd = java.time.Instant.parse("2026-12-05T23:07:31.250Z").toEpochMilli();
        TimeseriesExtension ext = new TimeseriesExtension(run.plan, TimeseriesExtensionFactory.effective(run.plan,
                Settings.empty()), java.time.Clock.fixed(java.time.Instant.ofEpochMilli(wallEnd), java.time.ZoneOffset.UTC));
        ext.beforeStart(run);
        for (int i = 0; i < 60; i++) {
            run.nowMs = TestRun.T0 + (i + 1) * 60_000L;
            ext.onMinute(run, TestRun.minute(i, 50, 10));
            assertThat(target.exported).as("nothing sent before the replay ends").isEmpty();
        }
        run.nowMs += 500;
        ext.onStopping(run);
        ext.afterRun(run, Map.of());
        assertThat(target.exported).hasSize(61);
        long offset = target.exported.get(0).timeMs() - (TestRun.T0 + 60_000L);
        assertThat(offset % 60_000L).as("whole minutes").isZero();
        for (int i = 0; i < 60; i++) {
            assertThat(target.exported.get(i).timeMs()).isEqualTo(TestRun.T0 + (i + 1) * 60_000L + offset);
        }
        assertThat(target.exported.get(60).timeMs()).isLessThanOrEqualTo(wallEnd).isGreaterThan(wallEnd - 60_000L);
        assertThat(section(ext, "timeseries_export")).containsEntry("export_count", 61L);
    }
}
