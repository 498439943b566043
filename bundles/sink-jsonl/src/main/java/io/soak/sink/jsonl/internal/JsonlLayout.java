package io.soak.sink.jsonl.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where the JSONL sink puts things: one place, so writer, recovery and read-back agree.
 *
 * <p>Layout written: {@code signals/<topic>/<yyyy-MM-dd'T'HH>.jsonl}, one append file per topic and UTC hour of
 * the row's event time; the symbol is a field of each row ({@code "symbol"}). A commit therefore forces at most
 * (topics × open hours) files whatever the number of symbols (issue 16). Layout of runs written before
 * (still read and recovered, never written): {@code signals/<topic>/<SYMBOL>/<yyyy-MM-dd-HH>.jsonl}, the symbol
 * being the directory's name ({@code _} for none). The two cannot be confused: a new file sits directly in the
 * topic's directory, an old one in a symbol directory below it, and the hour names differ too.
 */
final class JsonlLayout {

    static final String SIGNALS = io.soak.api.run.RunDirectory.SIGNALS;
    /** Per topic, the highest seq made durable by a commit: {@code {"decision": 123, ...}}. */
    static final String STATE_FILE = io.soak.api.run.RunDirectory.JSONL_WATERMARK;
    static final String EXTENSION = ".jsonl";
    /** Directory name of rows without a symbol, in the layout of runs written before (per-symbol directories). */
    static final String NO_SYMBOL = "_";
    static final long HOUR_MS = 3_600_000L;

    /** The hour of a file: ISO 8601's date 'T' hour, sorts in time order, no ':' (portable file names). */
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    /** The hour of a file in the layout of runs written before (per-symbol directories). */
    private static final DateTimeFormatter LEGACY_HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH");

    private JsonlLayout() {
    }

    static Path signals(Path runDirectory) {
        return runDirectory.resolve(SIGNALS);
    }

    static Path topicDir(Path runDirectory, String topic) {
        return signals(runDirectory).resolve(topic);
    }

    static long hourOf(long eventTimeMs) {
        return Math.floorDiv(eventTimeMs, HOUR_MS);
    }

    /** The file of a topic's rows of one UTC hour ({@code hour} in hours since epoch). */
    static Path file(Path runDirectory, String topic, long hour) {
        return topicDir(runDirectory, topic).resolve(HOUR.format(Instant.ofEpochMilli(hour * HOUR_MS)) + EXTENSION);
    }

    /**
     * The symbol a file's directory stands for in the layout of runs written before, or null when {@code file}
     * is in the current layout (directly in {@code topicDir}): then each row carries its symbol.
     */
    static String legacySymbol(Path topicDir, Path file) {
        Path parent = file.getParent();
        if (parent == null || parent.equals(topicDir)) {
            return null;
        }
        String dir = parent.getFileName().toString();
        return NO_SYMBOL.equals(dir) ? "" : dir;
    }

    /** Start of the hour a file name stands for (either layout), ms since epoch; -1 when the name is not ours. */
    static long hourStartMs(Path file) {
        String n = file.getFileName().toString();
        if (!n.endsWith(EXTENSION)) {
            return -1;
        }
        String h = n.substring(0, n.length() - EXTENSION.length());
        for (DateTimeFormatter f : new DateTimeFormatter[] {DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH"), LEGACY_HOUR}) {
            try {
                return LocalDateTime.parse(h, f).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (RuntimeException e) {
                // the other layout's name, or not ours
            }
        }
        return -1;
    }
}
