package io.soak.capture;

import io.soak.api.source.RawMessage;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the capture line format of {@code shared/data/binance-usdm} and of the harvester's own raw
 * capture: gzip (detected by its magic bytes) or plain text, one message per line,
 * {@code <local receive time since epoch> <space> <JSON>}. The time unit of the prefix (ns, µs or ms) is
 * detected from the head of the file and every message is returned in nanoseconds.
 * <ul>
 *   <li>A line without that shape (or whose prefix overflows a long) is counted in {@link #malformedLines()}
 *       and skipped.</li>
 *   <li>A line whose receive time is implausible (more than {@code maxSkewMs} from its exchange time
 *       {@code E} after the file's clock offset, or for a line without {@code E} more than two days from the
 *       file's reference time) is counted in {@link #outOfRangeLines()} and skipped: it never moves a
 *       replay clock.</li>
 *   <li>A truncated or corrupt gzip ends the file where it stops being readable:
 *       {@link #truncation()} says where (compressed byte offset) and why; what came before is returned.</li>
 * </ul>
 * An empty, non-capture or unreadable file is refused by the constructor with a
 * {@link CaptureFileException} naming it. A REST snapshot line is returned as any other message (the parser
 * decides what it is). Not thread-safe.
 */
public final class CaptureReader implements Closeable {

    /** Default bound on |receive − E − clock offset|, ms. */
    public static final long DEFAULT_MAX_SKEW_MS = 60_000L;

    private final Path file;
    private final CaptureFormat format;
    private final CountingStream counted;
    private final LineReader reader;
    private long lines;
    private long malformed;
    private long outOfRange;
    private String truncation;

    public CaptureReader(Path file) throws IOException {
        this(file, DEFAULT_MAX_SKEW_MS);
    }

    /**
     * @param maxSkewMs bound on |receive time − exchange time − the file's clock offset|, ms, > 0
     * @throws CaptureFileException when the file is empty, not a capture or unreadable
     */
    public CaptureReader(Path file, long maxSkewMs) throws IOException {
        this.file = file;
        this.format = CaptureFormat.detect(file, maxSkewMs);
        this.counted = new CountingStream(Files.newInputStream(file));
        InputStream in = new java.io.BufferedInputStream(counted, 1 << 16);
        try {
            if (format.gzip) {
                in = new GZIPInputStream(in, 1 << 16);
            }
        } catch (IOException e) {
            counted.close();
            throw new CaptureFileException(file, "capture file " + file + " is not readable gzip (" + e.getMessage() + ")", e);
        }
        this.reader = new LineReader(in, 1 << 16);
    }

    /** The next message (receive time in ns), or null at the end of the file or of its readable part. */
    public RawMessage next() throws IOException {
        while (true) {
            String line;
            try {
                line = reader.readLine();
            } catch (IOException e) {
                if (truncation == null) {
                    truncation = "capture file " + file + " truncated at offset " + counted.count
                            + " (compressed bytes) after " + lines + " lines: " + e.getMessage();
                }
                return null;
            }
            if (line == null) {
                return null;
            }
            lines++;
            RawMessage m = parseLine(line);
            if (m == null) {
                malformed++;
                continue;
            }
            long ns = format.toNanos(m.receivedNanos());
            if (!format.plausible(ns, m.text())) {
                outOfRange++;
                continue;
            }
            return ns == m.receivedNanos() ? m : new RawMessage(ns, m.text());
        }
    }

    /**
     * Parses one capture line (prefix as written, no unit conversion), or returns null when it has not the
     * {@code <digits> <json>} shape or the prefix overflows a long.
     */
    public static RawMessage parseLine(String line) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1 || space > 19) {
            return null;
        }
        long ns = 0;
        for (int i = 0; i < space; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            int d = c - '0';
            if (ns > (Long.MAX_VALUE - d) / 10) {
                return null;
            }
            ns = ns * 10 + d;
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

    /** Lines skipped because their receive or exchange time was implausible. */
    public long outOfRangeLines() {
        return outOfRange;
    }

    /** Why and where the file stopped being readable before its end, or null. */
    public String truncation() {
        return truncation;
    }

    /** The detected unit of the receive-time prefix: {@code ns}, {@code us} or {@code ms}. */
    public String timeUnit() {
        return format.unit();
    }

    /** The collector's clock offset (receive − exchange E, median of the file's head), ms. */
    public long clockOffsetMs() {
        return format.offsetMs;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** Counts the compressed bytes consumed, for the truncation offset. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = super.skip(n);
            count += k;
            return k;
        }
    }
}
