package io.soak.capture;

import io.soak.api.source.RawMessage;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * What the head of a capture file tells before it is replayed: gzip or plain (by its magic bytes, not its
 * name), the unit of the receive-time prefix (ns, µs or ms since the epoch, detected by magnitude and
 * checked against the exchange times {@code E} of the messages), the collector's clock offset
 * ({@code receive − E}, median) and a reference time. From these a line's receive time is judged plausible or
 * not. A file that is empty, not a capture or unreadable is refused with a {@link CaptureFileException}
 * naming the file (and the line). Immutable.
 */
final class CaptureFormat {

    static final int HEAD_LINES = 256;
    static final long DAY_MS = 86_400_000L;
    /** Window for lines without an exchange time, around the file's reference time. */
    static final long WINDOW_NS = 2 * DAY_MS * 1_000_000L;

    final boolean gzip;
    /** Nanoseconds per unit of the prefix: 1 (ns), 1,000 (µs), 1,000,000 (ms). */
    final long nanosPerUnit;
    final long offsetMs;
    final long referenceNs;
    final long maxSkewMs;

    private CaptureFormat(boolean gzip, long nanosPerUnit, long offsetMs, long referenceNs, long maxSkewMs) {
        this.gzip = gzip;
        this.nanosPerUnit = nanosPerUnit;
        this.offsetMs = offsetMs;
        this.referenceNs = referenceNs;
        this.maxSkewMs = maxSkewMs;
    }

    String unit() {
        return nanosPerUnit == 1 ? "ns" : nanosPerUnit == 1_000 ? "us" : "ms";
    }

    /** The prefix as nanoseconds since the epoch, or Long.MIN_VALUE when that overflows. */
    long toNanos(long prefix) {
        if (prefix < 0) {
            return Long.MIN_VALUE;
        }
        if (nanosPerUnit == 1) {
            return prefix;
        }
        return prefix > Long.MAX_VALUE / nanosPerUnit ? Long.MIN_VALUE : prefix * nanosPerUnit;
    }

    /**
     * True when a line's receive time is plausible: within {@code maxSkewMs} of its exchange time {@code E}
     * (after the file's clock offset), or, for a message without {@code E}, within two days of the file's
     * reference time. A far exchange time makes the line implausible too.
     */
    boolean plausible(long ns, String text) {
        if (ns == Long.MIN_VALUE || ns < 0) {
            return false;
        }
        long e = CaptureReplay.numberField(text, "\"E\":");
        if (e != Long.MIN_VALUE) {
            long diff = ns / 1_000_000L - e - offsetMs;
            return diff >= -maxSkewMs && diff <= maxSkewMs;
        }
        return Math.abs(ns - referenceNs) <= WINDOW_NS;
    }

    static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Reads the head of {@code file} and detects its format, or refuses the file. */
    static CaptureFormat detect(Path file, long maxSkewMs) throws CaptureFileException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new CaptureFileException(file, "capture file not found: " + name);
        }
        boolean gzip;
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] magic = raw.readNBytes(2);
            if (magic.length == 0) {
                throw new CaptureFileException(file, "capture file " + name + " is empty");
            }
            gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        } catch (CaptureFileException e) {
            throw e;
        } catch (IOException e) {
            throw new CaptureFileException(file, "capture file " + name + " is not readable: " + e.getMessage(), e);
        }
        List<long[]> withE = new ArrayList<>(); // {line, prefix, E}
        List<Long> prefixes = new ArrayList<>();
        long firstBadLine = -1;
        String firstBad = null;
        long lines = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(file, gzip), StandardCharsets.UTF_8))) {
            String line;
            while (lines < HEAD_LINES && (line = r.readLine()) != null) {
                lines++;
                RawMessage m = CaptureReader.parseLine(line);
                if (m == null || !m.text().startsWith("{")) {
                    if (firstBadLine < 0) {
                        firstBadLine = lines;
                        firstBad = line;
                    }
                    continue;
                }
                prefixes.add(m.receivedNanos());
                long e = CaptureReplay.numberField(m.text(), "\"E\":");
                if (e > 0) {
                    withE.add(new long[] {lines, m.receivedNanos(), e});
                }
            }
        } catch (IOException e) {
            if (lines == 0 || prefixes.isEmpty()) {
                throw new CaptureFileException(file, "capture file " + name + " is not readable"
                        + (gzip ? " gzip" : "") + " (" + e.getMessage() + ")", e);
            }
            // a truncated file with a readable head: the reader replays what it can and warns
        }
        if (lines == 0) {
            throw new CaptureFileException(file, "capture file " + name + " holds no lines");
        }
        if (prefixes.isEmpty()) {
            String shown = firstBad.length() > 60 ? firstBad.substring(0, 60) + "…" : firstBad;
            throw new CaptureFileException(file, "capture file " + name + ", line " + firstBadLine
                    + ": not a capture line '<receive time> <JSON>': '" + shown.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        long unit;
        long offset = 0;
        if (!withE.isEmpty()) {
            unit = 0;
            int best = 0;
            for (long u : new long[] {1, 1_000, 1_000_000}) {
                int votes = 0;
                for (long[] x : withE) {
                    if (x[1] <= Long.MAX_VALUE / u && Math.abs(x[1] * u / 1_000_000L - x[2]) <= DAY_MS) {
                        votes++;
                    }
                }
                if (votes > best) {
                    best = votes;
                    unit = u;
                }
            }
            if (best * 2 <= withE.size()) {
                long[] x = withE.get(0);
                throw new CaptureFileException(file, "capture file " + name + ", line " + x[0] + ": receive time "
                        + x[1] + " is not ns, µs or ms since the epoch within a day of the exchange time E=" + x[2]);
            }
            long[] diffs = new long[best];
            int i = 0;
            for (long[] x : withE) {
                if (x[1] <= Long.MAX_VALUE / unit) {
                    long d = x[1] * unit / 1_000_000L - x[2];
                    if (Math.abs(d) <= DAY_MS && i < diffs.length) {
                        diffs[i++] = d;
                    }
                }
            }
            Arrays.sort(diffs, 0, i);
            offset = diffs[i / 2];
        } else {
            long[] p = prefixes.stream().mapToLong(Long::longValue).sorted().toArray();
            long median = p[p.length / 2];
            if (median >= 100_000_000_000_000_000L) {
                unit = 1;
            } else if (median >= 100_000_000_000_000L) {
                unit = 1_000;
            } else if (median >= 100_000_000_000L) {
                unit = 1_000_000;
            } else {
                throw new CaptureFileException(file, "capture file " + name + ": receive time " + median
                        + " is not ns, µs or ms since the epoch");
            }
        }
        final long u = unit;
        long[] ns = prefixes.stream().mapToLong(v -> v <= Long.MAX_VALUE / u ? v * u : Long.MAX_VALUE).sorted().toArray();
        return new CaptureFormat(gzip, unit, offset, ns[ns.length / 2], maxSkewMs);
    }
}
