package io.soak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.source.RawMessage;
import io.soak.testdata.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureReplayTest {

    /** The full shared recordings when found, else the 30 s fixture of runtime/testdata (never a skip). */
    static Path data() {
        return TestData.dir();
    }

    @Test
    void mergesTwoFilesInReceiveOrderWithEveryMessage() throws IOException {
        Path d = data();
        try (CaptureReplay r = new CaptureReplay(new CaptureReplay.Options(
                List.of(d.resolve("btcusdt_20240808.gz"), d.resolve("ethusdt_20240808.gz")), List.of(), Map.of(), false, 0))) {
            long last = Long.MIN_VALUE;
            long n = 0;
            RawMessage m;
            while ((m = r.next()) != null) {
                assertThat(m.receivedNanos()).isGreaterThanOrEqualTo(last);
                last = m.receivedNanos();
                n++;
            }
            // full recordings: 93,953 + 1 + 74,654 + 1 lines; the fixture: 7,271 + 6,659
            assertThat(n).isEqualTo(TestData.counts(TestData.BTC).lines() + TestData.counts(TestData.ETH).lines());
            @SuppressWarnings("unchecked")
            Map<String, Long> per = (Map<String, Long>) r.describe().get("messages_per_stream");
            assertThat(per).containsEntry("btcusdt@depthSnapshot", 1L).containsEntry("ethusdt@trade",
                    TestData.counts(TestData.ETH).stream("ethusdt@trade"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> files = (List<Map<String, Object>>) r.describe().get("files");
            assertThat(files).extracting(f -> f.get("sha256")).allSatisfy(h -> assertThat(h.toString()).hasSize(64));
        }
    }

    @Test
    void loopShiftsIdsAboveEveryEarlierPassAndOpensEachPassWithASeamSnapshot(@TempDir Path tmp) throws IOException {
        Path d = data();
        // a small capture: the first 400 lines of btc (a snapshot, diffs, trades, tickers)
        Path small = tmp.resolve("btcusdt_20240808.txt");
        try (CaptureReader in = new CaptureReader(d.resolve("btcusdt_20240808.gz"))) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                b.append(CaptureReader.formatLine(in.next())).append('\n');
            }
            Files.writeString(small, b);
        }
        try (CaptureReplay r = new CaptureReplay(new CaptureReplay.Options(List.of(small), List.of(), Map.of(), true,
                1_000_000_000L))) {
            Map<String, Long> lastTrade = new HashMap<>();
            long lastU = Long.MIN_VALUE;
            long lastRecv = Long.MIN_VALUE;
            for (int i = 0; i < 400 * 3; i++) {
                RawMessage m = r.next();
                assertThat(m.receivedNanos()).isGreaterThanOrEqualTo(lastRecv);
                lastRecv = m.receivedNanos();
                String s = CaptureTransform.streamOf(m.text());
                if (m.text().contains("\"seam\":true")) {
                    // a new pass: its snapshot is above every update id so far, its diff chain starts again
                    assertThat(CaptureReplay.numberField(m.text(), "\"lastUpdateId\":")).isGreaterThan(lastU);
                    lastU = Long.MIN_VALUE;
                    continue;
                }
                if (s.endsWith("@trade")) {
                    long t = CaptureReplay.numberField(m.text(), "\"t\":");
                    assertThat(t).isGreaterThan(lastTrade.getOrDefault(s, Long.MIN_VALUE));
                    lastTrade.put(s, t);
                } else if (s.endsWith("@depth@0ms")) {
                    long pu = CaptureReplay.numberField(m.text(), "\"pu\":");
                    if (lastU != Long.MIN_VALUE) {
                        assertThat(pu).as("pu of diff %d continues the chain", i).isEqualTo(lastU);
                    }
                    lastU = CaptureReplay.numberField(m.text(), "\"u\":");
                }
            }
            assertThat(r.completedLoops()).isEqualTo(2);
        }
    }

    @Test
    void servesARecordedSymbolUnderAnAlias() throws IOException {
        Path d = data();
        try (CaptureReplay r = new CaptureReplay(new CaptureReplay.Options(List.of(d.resolve("ethusdt_20240808.gz")),
                List.of("ETHUSDT", "SOLUSDT"), Map.of("SOLUSDT", "ETHUSDT"), false, 0))) {
            RawMessage a = r.next();
            RawMessage b = r.next();
            assertThat(a.receivedNanos()).isEqualTo(b.receivedNanos());
            assertThat(CaptureTransform.streamOf(a.text())).startsWith("ethusdt@");
            assertThat(CaptureTransform.streamOf(b.text())).startsWith("solusdt@");
            assertThat(b.text()).isEqualTo(new CaptureTransform.Alias("ETHUSDT", "SOLUSDT").apply(a.text()));
        }
    }
}
