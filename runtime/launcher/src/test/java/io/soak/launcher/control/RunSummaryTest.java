package io.soak.launcher.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The end-of-run summary: criteria with observed values, key figures, where the evidence is. */
class RunSummaryTest {

    @Test
    void listsCriteriaWithObservedValuesThenKeyFiguresAndTheEvidence() {
        Map<String, Object> m = Map.of(
                "duration_s", 3600.0, "wall_time_s", 66.2,
                "verdict", Map.of("passed", false, "criteria", List.of(
                        Map.of("name", "health_green_ratio", "observed", 0.99722222, "op", ">=", "expected", 0.98, "passed", true),
                        Map.of("name", "max_rss_mb", "observed", 700.25, "op", "<", "expected", 600, "passed", false))),
                "harvester_metrics", Map.of("market_events", 519196),
                "minutes", Map.of("decisions", 40653, "total", 11300, "strong", 6036),
                "parity", Map.of("status", "compared", "exact_match", true, "rows", Map.of("jsonl", 54849, "sqlite", 54849)),
                "resource_usage", Map.of("max_rss_mb", 700.25, "max_open_files", 108, "max_threads", 30),
                "operator_actions", List.of(Map.of("action", "fault kill", "target", "signal", "source", "operator")));
        String s = RunSummary.text(m, Path.of("runs/r1"));
        assertThat(s).contains("✓ health_green_ratio").contains("0.9972  (>= 0.98)");
        assertThat(s).contains("✗ max_rss_mb").contains("700.3  (< 600)  FAILED");
        assertThat(s).contains("519,196 (144/s engine time)").contains("strong ratio 53.4%");
        assertThat(s).contains("exact match (jsonl 54,849 rows, sqlite 54,849 rows)");
        assertThat(s).contains("1 action(s): fault kill signal");
        assertThat(s).contains("evidence: runs/r1/").contains("report.html");
    }

    @Test
    void showsTheEndToEndLatencyOrNaAtMaxPace() {
        Map<String, Object> live = Map.of("latency", Map.of("mode", "live", "total",
                Map.of("count", 10, "p50_ms", 2.5, "p99_ms", 9.1, "p999_ms", 9.8, "max_ms", 12.0)));
        assertThat(RunSummary.text(live, Path.of("runs/r1")))
                .contains("receive → committed p50 2.5 ms, p99 9.1 ms, p99.9 9.8 ms, max 12 ms (live)");
        Map<String, Object> max = Map.of("latency", Map.of("mode", "n/a (max-pace)"));
        assertThat(RunSummary.text(max, Path.of("runs/r1"))).contains("n/a (max-pace)");
    }
}
