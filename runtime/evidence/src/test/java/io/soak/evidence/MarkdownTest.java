package io.soak.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.engine.Json;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reports are read by people: rounded numbers and tables, not float noise and JSON blobs. */
class MarkdownTest {

    private final Markdown md = new Markdown(ZoneId.of("UTC"), Json.canonical());

    @Test
    void roundsFloatsForReading() {
        assertThat(md.cell(63891.40287556953)).isEqualTo("63891.4");
        assertThat(md.cell(0.5341592920353982)).isEqualTo("0.5342");
        assertThat(md.cell(24.999999999999556)).isEqualTo("25");
        assertThat(md.cell(548.4411831458164)).isEqualTo("548.4");
        assertThat(md.cell(0.00012345)).isEqualTo("0.0001");
        assertThat(md.cell(12.0)).isEqualTo("12");
        assertThat(md.cell(1723165140000L)).isEqualTo("1723165140000");
    }

    @Test
    void nestedSectionsReadAsKeyValuesNotJson() {
        Map<String, Object> pos = new LinkedHashMap<>();
        pos.put("avg_price", 59994.94716290991);
        pos.put("fees", 22.119999999999617);
        Map<String, Object> positions = new LinkedHashMap<>();
        positions.put("BTCUSDT", pos);
        String cell = md.cell(positions);
        assertThat(cell).doesNotContain("{").doesNotContain("\"").doesNotContain("`");
        assertThat(cell).isEqualTo("BTCUSDT (avg_price 59994.9; fees 22.12)");
        assertThat(md.cell(List.of("report", "broker"))).isEqualTo("report, broker");
    }

    @Test
    void soakReportAndHtmlKeyFigureShowTheLatencyPerHopOrNaAtMaxPace() {
        Map<String, Object> fig = new LinkedHashMap<>();
        fig.put("count", 1200);
        fig.put("p50_ms", 3.2);
        fig.put("p99_ms", 18.5);
        fig.put("p999_ms", 40.1);
        fig.put("max_ms", 52.0);
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("mode", "live");
        lat.put("unit", "ms");
        lat.put("total", fig);
        lat.put("hops", Map.of("receive_to_handled", Map.of("signal", fig), "receive_to_committed", Map.of("jsonl", fig)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", "r1");
        m.put("latency", lat);
        String report = Reports.soak(m, ZoneId.of("UTC"), Json.canonical());
        assertThat(report).contains("## End-to-end latency (ms, wall)")
                .contains("| total: receive_to_committed (every sink) | 1200 | 3.2 | 18.5 | 40.1 | 52 |")
                .contains("| receive_to_handled signal |").contains("| receive_to_committed jsonl |");
        assertThat(HtmlReport.latencyLine(m)).isEqualTo(
                "receive → committed p50 3.2 ms, p99 18.5 ms, p99.9 40.1 ms, max 52 ms (1200 decisions, live)");
        Map<String, Object> max = Map.of("run_id", "r2", "latency", Map.of("mode", "n/a (max-pace)"));
        assertThat(Reports.soak(max, ZoneId.of("UTC"), Json.canonical())).contains("Latency: n/a (max-pace).");
        assertThat(HtmlReport.latencyLine(max)).isEqualTo("n/a (max-pace)");
    }

    @Test
    void faultReportListsOperatorActions() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", "r1");
        m.put("operator_actions", List.of(Map.of("action", "fault kill", "target", "signal", "source", "operator",
                "result", "killed instance")));
        String report = Reports.faults(m, ZoneId.of("UTC"), Json.canonical());
        assertThat(report).contains("## Operator actions").contains("| fault kill |").contains("operator");
    }
}
