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
    void faultReportListsOperatorActions() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", "r1");
        m.put("operator_actions", List.of(Map.of("action", "fault kill", "target", "signal", "source", "operator",
                "result", "killed instance")));
        String report = Reports.faults(m, ZoneId.of("UTC"), Json.canonical());
        assertThat(report).contains("## Operator actions").contains("| fault kill |").contains("operator");
    }
}
