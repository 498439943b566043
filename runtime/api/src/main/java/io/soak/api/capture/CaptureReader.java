package io.soak.api.capture;

import io.soak.api.source.RawMessage;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the capture line format of {@code shared/data/binance-usdm} and of the harvester's own raw
 * capture: gzip (or plain, by file name) text, one message per line,
 * {@code <local receive ns since epoch> <space> <JSON>}. A line without that shape is counted in
 * {@link #malformedLines()} and skipped; a REST snapshot line is returned as any other message (the
 * parser decides what it is).
 */
public final class CaptureReader implements Closeable {

    private final BufferedReader reader;
    private long lines;
    private long malformed;

    public CaptureReader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** The next message, or null at the end of the file. */
    public RawMessage next() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            lines++;
            RawMessage m = parseLine(line);
            if (m != null) {
                return m;
            }
            malformed++;
        }
        return null;
    }

    /** Parses one capture line, or returns null when it has not the {@code <ns> <json>} shape. */
    public static RawMessage parseLine(String line) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1) {
            return null;
        }
        long ns = 0;
        for (int i = 0; i < space; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9' || i > 18) {
                return null;
            }
            ns = ns * 10 + (c - '0');
        }
        return new RawMessage(ns, line.substring(space + 1));
    }

    /** Formats one message as a capture line (without the line terminator). */
    public static String formatLine(RawMessage message) {
        return message.receivedNanos() + " " + message.text();
    }

    public long linesRead() {
        return lines;
    }

    public long malformedLines() {
        return malformed;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
