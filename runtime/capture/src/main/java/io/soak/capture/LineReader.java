package io.soak.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of a UTF-8 byte stream, as {@link java.io.BufferedReader#readLine()} gives them (a line ends at
 * {@code \n}, {@code \r} or {@code \r\n}; the last line needs no terminator; malformed UTF-8 becomes U+FFFD), read
 * without the character layer: the bytes of a line go to {@link String#String(byte[], int, int,
 * java.nio.charset.Charset)}, which takes an ASCII line (every Binance message) as one copy. BufferedReader
 * decodes every byte into a {@code char[]} first, appends it to a builder and compresses it back to bytes:
 * that was a third of the replay reader thread (issue #16). Not thread-safe.
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    /** The last line ended with {@code \r}: a {@code \n} right after it belongs to that terminator. */
    private boolean skipLf;

    LineReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[Math.max(16, bufferSize)];
    }

    /** The next line without its terminator, or null at the end of the stream. */
    String readLine() throws IOException {
        if (skipLf) {
            if (pos == limit && !fill()) {
                return null;
            }
            skipLf = false;
            if (buf[pos] == '\n') {
                pos++;
            }
        }
        int scanned = 0; // bytes after pos known to hold no terminator
        while (true) {
            byte[] b = buf;
            for (int i = pos + scanned; i < limit; i++) {
                byte c = b[i];
                if (c == '\n' || c == '\r') {
                    String line = new String(b, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 1;
                    skipLf = c == '\r';
                    return line;
                }
            }
            scanned = limit - pos;
            if (!fill()) {
                if (scanned == 0) {
                    return null;
                }
                String last = new String(buf, pos, limit - pos, StandardCharsets.UTF_8);
                pos = limit;
                return last;
            }
        }
    }

    /**
     * Reads more bytes after the unread ones (moved to the front of the buffer, which doubles when they fill it);
     * false at the end of the stream.
     */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int unread = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, unread);
            pos = 0;
            limit = unread;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n;
        do {
            n = in.read(buf, limit, buf.length - limit);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
