package io.soak.exporter.influxdb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.influxdb.client.write.Point;
import io.soak.api.export.MetricSample;
import io.soak.api.export.MetricsSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfluxPointsTest {

    @Test
    void eachSampleIsAPointOfItsFamilyWithLabelsAsTagsAndTheEngineTime() {
        MetricsSnapshot s = new MetricsSnapshot(1_767_225_660_000L, 1_767_225_600_000L, List.of(
                new MetricSample("soak_gating_total", "h", "counter",
                        Map.of("run_id", "r 1", "symbol", "all", "reason", "spread_bps>20.0"), 7),
                new MetricSample("soak_strong_ratio", "h", "gauge", Map.of("run_id", "r,1", "symbol", "BTCUSDT"), 0.25),
                new MetricSample("soak_rss_mb", "h", "gauge", Map.of("run_id", "r1"), Double.NaN)), false);
        List<String> lines = InfluxExporter.points(s).stream().map(Point::toLineProtocol).toList();
        assertThat(lines).containsExactly(
                "soak_gating_total,reason=spread_bps>20.0,run_id=r\\ 1,symbol=all value=7.0 1767225660000",
                "soak_strong_ratio,run_id=r\\,1,symbol=BTCUSDT value=0.25 1767225660000");
    }
}
