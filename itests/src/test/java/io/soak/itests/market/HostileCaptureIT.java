package io.soak.itests.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.capture.CaptureReader;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.source.RawMessage;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.testing.SoakHost;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, market data items 1, 2, 3, 6 and 7 through the real host: one capture holding microsecond
 * receive times, a receive time in the future, an exchange time in the year 2100, a NaN price, an unknown
 * stream kind, and cut short (a truncated gzip) is replayed by the harvest and report stages to its readable
 * end; the run ends with a verdict (no OOM, no clock in 1970 or 2100), every bad line is counted where it
 * was refused, and the truncation is a warning in the source manifest naming the file.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileCaptureIT {

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder().bundles("soak-harvest", "soak-report")
            .awaitStages("harvest", "report").await(Registry.REPLAY, "capture").build();

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void aHostileCaptureIsReplayedToItsReadableEndWithEveryBadLineCounted() throws Exception {
        // the full shared recordings when found, else the fixture of runtime/testdata: never skipped
        Path dir = io.soak.testdata.TestData.dir();
        List<String> lines = new ArrayList<>();
        try (CaptureReader r = new CaptureReader(dir.resolve("ethusdt_20240808.gz"))) {
            RawMessage m;
            while (lines.size() < 20_000 && (m = r.next()) != null) {
                lines.add(m.receivedNanos() / 1_000 + " " + m.text()); // microseconds, as hftbacktest's older layout
            }
        }
        int trades = 0;
        for (int i = 500; i < lines.size() && trades < 2; i++) {
            if (lines.get(i).contains("@trade")) {
                String l = lines.get(i);
                lines.set(i, trades == 0 ? l.replaceFirst("\"E\":\\d+", "\"E\":4102444800000")   // year 2100
                        : l.replaceFirst("\"p\":\"[^\"]*\"", "\"p\":\"NaN\""));
                trades++;
                i += 100;
            }
        }
        String l = lines.get(3_000);
        lines.set(3_000, "4102444800000000" + l.substring(l.indexOf(' '))); // a receive time in 2100 (µs)
        String t = lines.get(4_000);
        lines.add(4_001, t.substring(0, t.indexOf(' ')) + " {\"stream\":\"ethusdt@markPrice@1s\",\"data\":{\"e\":"
                + "\"markPriceUpdate\",\"E\":" + (Long.parseLong(t.substring(0, t.indexOf(' '))) / 1_000) + ",\"s\":\"ETHUSDT\","
                + "\"p\":\"2600.1\"}}");
        Path whole = tmp.resolve("whole.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(whole))) {
            for (String line : lines) {
                o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] bytes = Files.readAllBytes(whole);
        Path capture = tmp.resolve("ethusdt_hostile.gz");
        Files.write(capture, Arrays.copyOf(bytes, bytes.length * 8 / 10));

        SourceSpec src = new SourceSpec("capture", List.of("ETHUSDT"), List.of("trade", "bookTicker", "depth@0ms"), "",
                List.of(capture.toString()), false, Map.of(), Map.of(), Map.of());
        ScenarioPlan plan = new ScenarioPlan("hostile-capture", "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 7L,
                Duration.ofMinutes(3), src, List.of("harvest", "report"), List.of(), Duration.ofSeconds(10),
                RestartPolicy.defaults(), new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(), List.of(),
                List.of(), Map.of(), "UTC");
        RunOutcome o = HOST.newRun(plan).run();

        Map<String, Object> m = o.manifest();
        assertThat(((Map<String, Object>) m.get("status")).get("phase")).as("%s", o.failures()).isEqualTo("done");
        Map<String, Object> h = (Map<String, Object>) m.get("harvester_metrics");
        assertThat(((Number) h.get("parse_errors")).longValue()).as("%s", h).isEqualTo(1);
        assertThat(h.toString()).contains("non_finite=1").contains("markPrice@1s=1");
        assertThat(((Number) h.get("skipped_kinds")).longValue()).isEqualTo(1);
        Map<String, Object> source = new ObjectMapper().readValue(
                Files.readString(o.runDirectory().resolve("source_manifest.json")), Map.class);
        Map<String, Object> feed = (Map<String, Object>) source.get("feed");
        assertThat(((Number) feed.get("out_of_range_lines")).longValue()).isEqualTo(2); // the 2100 E and the 2100 prefix
        assertThat((List<String>) feed.get("warnings")).singleElement().asString().contains("ethusdt_hostile.gz")
                .contains("offset");
        assertThat(feed.toString()).contains("time_unit=us");
        // the replay clock stayed in the recording's day: a few minutes closed, not every minute up to 2100
        assertThat(source.get("session_start").toString()).startsWith("2024-08-08T23:5");
        Map<String, Object> report = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) m.get("status"))
                .get("processes")).get("report");
        assertThat(((Number) ((Map<String, Object>) report.get("metrics")).get("closed")).longValue()).isBetween(1L, 10L);
    }
}
