package io.soak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.source.RawMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureWriterTest {

    static RawMessage msg(long ns, String stream) {
        return new RawMessage(ns, "{\"stream\":\"" + stream + "\",\"data\":{\"E\":" + ns / 1_000_000 + "}}");
    }

    @Test
    void writesOneReplayableGzipFilePerSymbolAndUtcDay(@TempDir Path dir) throws IOException {
        long day1 = 1_723_161_599_000_000_000L; // 2024-08-08T23:59:59Z
        long day2 = 1_723_161_601_000_000_000L; // 2024-08-09T00:00:01Z
        List<RawMessage> btc = List.of(msg(day1, "btcusdt@trade"), msg(day1 + 1, "btcusdt@bookTicker"));
        try (CaptureWriter w = new CaptureWriter(dir)) {
            btc.forEach(m -> write(w, m));
            write(w, msg(day1 + 2, "ethusdt@trade"));
            write(w, msg(day2, "btcusdt@trade"));
            w.flush();
            assertThat(w.written()).isEqualTo(4);
        }
        assertThat(dir.resolve("btcusdt_20240808.gz")).exists();
        assertThat(dir.resolve("btcusdt_20240809.gz")).exists();
        assertThat(dir.resolve("ethusdt_20240808.gz")).exists();
        List<RawMessage> back = new ArrayList<>();
        try (CaptureReader r = new CaptureReader(dir.resolve("btcusdt_20240808.gz"))) {
            RawMessage m;
            while ((m = r.next()) != null) {
                back.add(m);
            }
            assertThat(r.malformedLines()).isZero();
        }
        assertThat(back).isEqualTo(btc);
    }

    private static void write(CaptureWriter w, RawMessage m) {
        try {
            w.write(m);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
