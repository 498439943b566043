package io.soak.harvest.internal;

import io.soak.capture.CaptureReader;
import io.soak.api.source.RawMessage;
import io.soak.testdata.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded Binance data: the full shared recordings when found, else the 30 s fixture of runtime/testdata
 * (same file names). Tests never skip for missing data; {@link TestData#counts} gives the figures of the data in use.
 */
final class SharedData {

    static final String BTC = "btcusdt_20240808.gz";
    static final String ETH = "ethusdt_20240808.gz";

    private SharedData() {
    }

    static Path dir() {
        return TestData.dir();
    }

    /** Counts of a recording of the data in use. */
    static TestData.Counts counts(String name) {
        return TestData.counts(name);
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    /**
     * What the harvester counts per stream for a replay of these recordings: every stream's messages and one
     * {@code <symbol>@depthSnapshot} per REST snapshot line.
     */
    static Map<String, Long> perStream(String... names) {
        Map<String, Long> out = new HashMap<>();
        for (String name : names) {
            TestData.Counts c = counts(name);
            out.putAll(c.perStream());
            out.put(name.substring(0, name.indexOf('_')) + "@depthSnapshot", c.snapshots());
        }
        return out;
    }

    /** Stream messages (snapshots excluded) of these recordings together. */
    static long streamMessages(String... names) {
        long n = 0;
        for (String name : names) {
            n += counts(name).streamMessages();
        }
        return n;
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
