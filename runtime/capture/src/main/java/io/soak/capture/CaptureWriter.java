package io.soak.capture;

import io.soak.api.source.RawMessage;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes raw messages in the capture line format ({@link CaptureReader#formatLine}), gzip, one file per
 * symbol and UTC day ({@code <symbol lower>_<yyyyMMdd>.gz}, the naming of {@code shared/data/binance-usdm}),
 * so any live run can be replayed exactly. Buffered (64 KiB per file): cheap enough to call from a socket
 * reader thread. Thread-safe (synchronized); {@link #flush()} makes everything written so far readable.
 * A file that already exists for a symbol and day is not overwritten: a suffix {@code -1}, {@code -2}… is added.
 */
public final class CaptureWriter implements Closeable {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private record Open(String day, Path file, Writer writer) {
    }

    private final Path directory;
    private final Map<String, Open> open = new HashMap<>();
    private long written;
    private boolean closed;

    public CaptureWriter(Path directory) {
        this.directory = directory;
    }

    /** Appends one message to its symbol's file of the message's UTC day (the receive time decides). */
    public synchronized void write(RawMessage message) throws IOException {
        if (closed) {
            return;
        }
        String stream = CaptureTransform.streamOf(message.text());
        String symbol = "unknown";
        if (stream != null && stream.indexOf('@') > 0) {
            symbol = stream.substring(0, stream.indexOf('@')).toLowerCase(Locale.ROOT);
        }
        String day = DAY.format(Instant.ofEpochSecond(0, message.receivedNanos()));
        Open o = open.get(symbol);
        if (o == null || !o.day.equals(day)) {
            if (o != null) {
                o.writer.close();
            }
            Files.createDirectories(directory);
            Path file = directory.resolve(symbol + "_" + day + ".gz");
            for (int i = 1; Files.exists(file); i++) {
                file = directory.resolve(symbol + "_" + day + "-" + i + ".gz");
            }
            Writer w = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16, true),
                    StandardCharsets.UTF_8);
            o = new Open(day, file, new java.io.BufferedWriter(w, 1 << 16));
            open.put(symbol, o);
        }
        o.writer.write(CaptureReader.formatLine(message));
        o.writer.write('\n');
        written++;
    }

    /** Flushes every open file (gzip sync flush: the data written so far can be read back). */
    public synchronized void flush() throws IOException {
        for (Open o : open.values()) {
            o.writer.flush();
        }
    }

    public synchronized long written() {
        return written;
    }

    /** Files written so far. */
    public synchronized java.util.List<Path> files() {
        return open.values().stream().map(Open::file).sorted().toList();
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOException failure = null;
        for (Open o : open.values()) {
            try {
                o.writer.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
