package io.soak.sink.jsonl.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Where the JSONL sink puts things: one place, so writer, recovery and read-back agree. */
final class JsonlLayout {

    static final String SIGNALS = io.soak.api.run.RunDirectory.SIGNALS;
    /** Per topic, the highest seq made durable by a commit: {@code {"decision": 123, ...}}. */
    static final String STATE_FILE = io.soak.api.run.RunDirectory.JSONL_WATERMARK;
    static final String EXTENSION = ".jsonl";
    /** Directory name of rows without a symbol. */
    static final String NO_SYMBOL = "_";
    static final long HOUR_MS = 3_600_000L;

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);

    private JsonlLayout() {
    }

    static Path signals(Path runDirectory) {
        return runDirectory.resolve(SIGNALS);
    }

    static String symbolDir(String symbol) {
        return symbol == null || symbol.isEmpty() ? NO_SYMBOL : symbol;
    }

    static String symbolOf(String dir) {
        return NO_SYMBOL.equals(dir) ? "" : dir;
    }

    static long hourOf(long eventTimeMs) {
        return Math.floorDiv(eventTimeMs, HOUR_MS);
    }

    static Path file(Path runDirectory, String topic, String symbol, long hour) {
        return signals(runDirectory).resolve(topic).resolve(symbolDir(symbol))
                .resolve(HOUR.format(Instant.ofEpochMilli(hour * HOUR_MS)) + EXTENSION);
    }

    /** Start of the hour a file name stands for, ms since epoch; -1 when the name is not ours. */
    static long hourStartMs(Path file) {
        String n = file.getFileName().toString();
        if (!n.endsWith(EXTENSION)) {
            return -1;
        }
        try {
            String h = n.substring(0, n.length() - EXTENSION.length());
            return java.time.LocalDateTime.parse(h, DateTimeFormatter.ofPattern("yyyy-MM-dd-HH"))
                    .toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
