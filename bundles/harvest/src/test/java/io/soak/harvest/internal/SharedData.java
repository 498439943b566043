package io.soak.harvest.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.soak.api.capture.CaptureReader;
import io.soak.api.source.RawMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The recorded Binance data (never copied into the repo): tests skip, saying so, when it is absent. */
final class SharedData {

    static final String BTC = "btcusdt_20240808.gz";
    static final String ETH = "ethusdt_20240808.gz";

    private SharedData() {
    }

    static Path dir() {
        Path dir = Path.of(System.getProperty("soak.shared.data", "../../../shared/data"), "binance-usdm");
        assumeTrue(Files.isDirectory(dir), "recorded Binance data not found at " + dir.toAbsolutePath()
                + " (set -Dsoak.shared.data): skipping");
        return dir;
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    /** The first {@code n} lines of a capture file. */
    static List<RawMessage> head(String name, int n) throws IOException {
        List<RawMessage> out = new ArrayList<>();
        try (CaptureReader r = new CaptureReader(file(name))) {
            RawMessage m;
            while (out.size() < n && (m = r.next()) != null) {
                out.add(m);
            }
        }
        return out;
    }

    /** The first line of a stream kind (e.g. "@trade") in a capture. */
    static RawMessage first(String name, String marker) throws IOException {
        try (CaptureReader r = new CaptureReader(file(name))) {
            RawMessage m;
            while ((m = r.next()) != null) {
                if (m.text().contains(marker)) {
                    return m;
                }
            }
        }
        throw new AssertionError("no line with " + marker + " in " + name);
    }
}
