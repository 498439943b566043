package io.soak.exporter.pushgateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.soak.api.export.MetricSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextFormatTest {

    private static MetricSample s(String name, String type, Map<String, String> labels, double v) {
        return new MetricSample(name, "Help of " + name, type, labels, v);
    }

    @Test
    void groupsFamiliesWithOneHelpAndTypeEachAndEndsWithANewline() {
        String body = TextFormat.encode(List.of(
                s("soak_signals_total", "counter", Map.of("symbol", "BTCUSDT", "run_id", "r1"), 10),
                s("soak_strong_ratio", "gauge", Map.of("symbol", "BTCUSDT", "run_id", "r1"), 0.25),
                s("soak_signals_total", "counter", Map.of("symbol", "all", "run_id", "r1"), 12)));
        assertThat(body).isEqualTo("""
                # HELP soak_signals_total Help of soak_signals_total
                # TYPE soak_signals_total counter
                soak_signals_total{run_id="r1",symbol="BTCUSDT"} 10
                soak_signals_total{run_id="r1",symbol="all"} 12
                # HELP soak_strong_ratio Help of soak_strong_ratio
                # TYPE soak_strong_ratio gauge
                soak_strong_ratio{run_id="r1",symbol="BTCUSDT"} 0.25
                """);
        assertThat(body).endsWith("\n");
    }

    @Test
    void escapesBackslashQuoteAndNewlineInLabelValuesAndHelp() {
        String body = TextFormat.encode(List.of(new MetricSample("m", "a \\ b\nc", "gauge",
                Map.of("reason", "a\\b\"c\nd"), 1)));
        assertThat(body).isEqualTo("# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{reason=\"a\\\\b\\\"c\\nd\"} 1\n");
    }

    @Test
    void writesValuesTheWayGoParsesThemAndNeverATimestamp() {
        assertThat(TextFormat.value(3)).isEqualTo("3");
        assertThat(TextFormat.value(0.125)).isEqualTo("0.125");
        assertThat(TextFormat.value(Double.NaN)).isEqualTo("NaN");
        assertThat(TextFormat.value(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(TextFormat.value(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(TextFormat.value(1e-7)).isEqualTo("1.0E-7");
        String line = TextFormat.encode(List.of(s("x", "gauge", Map.of("a", "b"), 1.5))).lines().toList().get(2);
        assertThat(line.split(" ")).hasSize(2);
    }

    @Test
    void rejectsDuplicateSeriesConflictingTypesAndBadNames() {
        assertThatThrownBy(() -> TextFormat.encode(List.of(s("x", "gauge", Map.of("a", "1"), 1),
                s("x", "gauge", Map.of("a", "1"), 2)))).hasMessageContaining("duplicate series x{a=\"1\"}");
        assertThatThrownBy(() -> TextFormat.encode(List.of(s("x", "gauge", Map.of(), 1), s("x", "counter", Map.of("b", "2"), 2))))
                .hasMessageContaining("two types");
        assertThatThrownBy(() -> TextFormat.encode(List.of(s("1x", "gauge", Map.of(), 1)))).hasMessageContaining("metric name");
        assertThatThrownBy(() -> TextFormat.encode(List.of(s("x", "gauge", Map.of("a-b", "1"), 1)))).hasMessageContaining("label name");
    }

    @Test
    void emptySnapshotIsAnEmptyBody() {
        assertThat(TextFormat.encode(List.of())).isEmpty();
    }

    @Test
    void groupingKeyUsesBase64ForValuesWithASlashAndPercentEncodesOthers() {
        assertThat(GroupingKey.path("soak", Map.of("run_id", "20260101-abc"))).isEqualTo("/metrics/job/soak/run_id/20260101-abc");
        assertThat(GroupingKey.path("soak", Map.of("run_id", "a/b"))).isEqualTo("/metrics/job/soak/run_id@base64/YS9i");
        assertThat(GroupingKey.path("soak", Map.of("run_id", "a b"))).isEqualTo("/metrics/job/soak/run_id/a%20b");
        assertThat(GroupingKey.path("soak", Map.of("run_id", ""))).isEqualTo("/metrics/job/soak/run_id@base64/");
    }
}
