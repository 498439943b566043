package io.soak.api.capture;

import io.soak.api.source.RawMessage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Replays one or more capture files as one stream of raw messages in local-receive-time order
 * (k-way merge by {@link RawMessage#receivedNanos()}), optionally looping and serving recorded symbols
 * under other names. Used by the {@code capture} replay feed and by the feed emulator, so both serve the
 * same messages for the same files.
 *
 * <p>Looping: pass {@code k} (k ≥ 1) is the recording shifted by {@code k × period}, where the period is the
 * recording's span (first to last receive time over all files) plus {@code loopGapNanos}, rounded up to a
 * whole millisecond; exchange times {@code E}/{@code T} move by the same amount. Per recorded symbol, trade
 * ids move by {@code k × (max − min + 1)} of the recorded trade ids, so dedupe never sees a repeat; update ids
 * move by {@code k × (last diff u − first diff pu)} so the {@code @depth} diff chain continues seamlessly
 * across the seam ({@code pu} of the first diff of pass k equals {@code u} of the last diff of pass k−1).
 *
 * <p>A bare REST snapshot line is wrapped as {@code {"stream":"<sym>@depthSnapshot","data":…}} so it is
 * attributed to its file's symbol. Not thread-safe.
 */
public final class CaptureReplay implements Closeable {

    /**
     * What to replay.
     *
     * @param files        capture files (gzip or plain)
     * @param symbols      served symbols, upper-case; empty = every recorded symbol plus every alias
     * @param aliases      served symbol → recorded symbol
     * @param loop         replay again (shifted) after the end, forever
     * @param loopGapNanos pause between passes, ≥ 0
     */
    public record Options(List<Path> files, List<String> symbols, Map<String, String> aliases, boolean loop,
                          long loopGapNanos) {

        public Options {
            files = List.copyOf(files);
            symbols = symbols.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
            Map<String, String> a = new TreeMap<>();
            aliases.forEach((k, v) -> a.put(k.toUpperCase(Locale.ROOT), v.toUpperCase(Locale.ROOT)));
            aliases = java.util.Collections.unmodifiableMap(a);
        }
    }

    /** What the pre-scan learned about one file. */
    private static final class FileInfo {
        final Path path;
        String sha256;
        long lines;
        long malformed;
        String symbol;
        long firstNs = Long.MAX_VALUE;
        long lastNs = Long.MIN_VALUE;
        long minTrade = Long.MAX_VALUE;
        long maxTrade = Long.MIN_VALUE;
        long minUpdate = Long.MAX_VALUE;
        long maxUpdate = Long.MIN_VALUE;
        long firstDiffPu = Long.MIN_VALUE;
        long lastDiffU = Long.MIN_VALUE;
        List<String> servedAs = List.of();

        FileInfo(Path path) {
            this.path = path;
        }
    }

    /** One open file in the merge, with its expanded (aliased) messages of the current line. */
    private final class Cursor {
        final FileInfo info;
        final int order;
        final CaptureReader reader;
        final java.util.ArrayDeque<RawMessage> pending = new java.util.ArrayDeque<>(4);

        Cursor(FileInfo info, int order) throws IOException {
            this.info = info;
            this.order = order;
            this.reader = new CaptureReader(info.path);
        }

        /** Fills {@link #pending} from the next line; false at the end of the file. */
        boolean advance() throws IOException {
            while (pending.isEmpty()) {
                RawMessage m = reader.next();
                if (m == null) {
                    return false;
                }
                expand(info, m, pending);
            }
            return true;
        }

        long headNanos() {
            return pending.peekFirst().receivedNanos();
        }
    }

    private final Options options;
    private final List<FileInfo> infos = new ArrayList<>();
    private final long periodNanos;
    private final PriorityQueue<Cursor> heap = new PriorityQueue<>((x, y) -> {
        int c = Long.compare(x.headNanos(), y.headNanos());
        return c != 0 ? c : Integer.compare(x.order, y.order);
    });
    private final List<Cursor> open = new ArrayList<>();
    private int pass;
    private long messages;
    private long lastNanos = Long.MIN_VALUE;
    private final Map<String, Long> perStream = new TreeMap<>();

    public CaptureReplay(Options options) throws IOException {
        this.options = options;
        if (options.files().isEmpty()) {
            throw new IOException("capture replay needs at least one file (source files are empty)");
        }
        for (Path p : options.files()) {
            if (!Files.isRegularFile(p)) {
                throw new IOException("capture file not found: " + p);
            }
            infos.add(scan(p));
        }
        TreeSet<String> recorded = new TreeSet<>();
        infos.forEach(f -> recorded.add(f.symbol));
        for (FileInfo f : infos) {
            List<String> served = new ArrayList<>();
            if (options.symbols().isEmpty() || options.symbols().contains(f.symbol)) {
                served.add(f.symbol);
            }
            options.aliases().forEach((as, rec) -> {
                if (rec.equals(f.symbol) && !recorded.contains(as)
                        && (options.symbols().isEmpty() || options.symbols().contains(as))) {
                    served.add(as);
                }
            });
            f.servedAs = List.copyOf(served);
        }
        long first = infos.stream().mapToLong(f -> f.firstNs).min().orElse(0);
        long last = infos.stream().mapToLong(f -> f.lastNs).max().orElse(0);
        long span = Math.max(0, last - first) + Math.max(0, options.loopGapNanos());
        this.periodNanos = Math.max(1, (span + 999_999) / 1_000_000) * 1_000_000;
        openPass();
    }

    /** Recorded symbols served by no-one are skipped; a served symbol with no data is listed in describe(). */
    private void openPass() throws IOException {
        closeOpen();
        int order = 0;
        for (FileInfo f : infos) {
            if (f.servedAs.isEmpty()) {
                continue;
            }
            Cursor c = new Cursor(f, order++);
            open.add(c);
            if (c.advance()) {
                heap.add(c);
            }
        }
    }

    /** The next message, or null at the end (never null when looping, unless no file has any message). */
    public RawMessage next() throws IOException {
        while (true) {
            Cursor c = heap.poll();
            if (c == null) {
                if (!options.loop() || messages == 0) {
                    return null;
                }
                pass++;
                openPass();
                continue;
            }
            RawMessage m = c.pending.pollFirst();
            if (!c.pending.isEmpty() || c.advance()) {
                heap.add(c);
            }
            // keep the merged order non-decreasing even if a file is slightly out of order
            if (m.receivedNanos() < lastNanos) {
                m = new RawMessage(lastNanos, m.text());
            }
            lastNanos = m.receivedNanos();
            messages++;
            String stream = CaptureTransform.streamOf(m.text());
            perStream.merge(stream == null ? "(none)" : stream, 1L, Long::sum);
            return m;
        }
    }

    private void expand(FileInfo f, RawMessage m, java.util.Deque<RawMessage> out) {
        String text = m.text();
        if (CaptureTransform.isSnapshot(text)) {
            text = CaptureTransform.wrapSnapshot(text, f.symbol);
        }
        long recv = m.receivedNanos();
        if (pass > 0) {
            long shiftNs = pass * periodNanos;
            long tradeShift = f.maxTrade >= f.minTrade ? pass * (f.maxTrade - f.minTrade + 1) : 0;
            long updateShift;
            if (f.lastDiffU > f.firstDiffPu && f.firstDiffPu != Long.MIN_VALUE) {
                updateShift = pass * (f.lastDiffU - f.firstDiffPu);
            } else {
                updateShift = f.maxUpdate >= f.minUpdate ? pass * (f.maxUpdate - f.minUpdate + 1) : 0;
            }
            text = CaptureTransform.shift(text, shiftNs / 1_000_000, tradeShift, updateShift);
            recv += shiftNs;
        }
        for (String served : f.servedAs) {
            out.add(new RawMessage(recv, CaptureTransform.alias(text, f.symbol, served)));
        }
    }

    /** Loop passes completed so far. */
    public int completedLoops() {
        return pass;
    }

    public long messages() {
        return messages;
    }

    /** Files (path, sha-256, lines, malformed lines, symbol, served as), loops, messages per stream. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        List<Map<String, Object>> files = new ArrayList<>();
        long malformed = 0;
        for (FileInfo f : infos) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path.toString());
            m.put("sha256", f.sha256);
            m.put("lines", f.lines);
            m.put("malformed_lines", f.malformed);
            m.put("symbol", f.symbol);
            m.put("served_as", f.servedAs);
            m.put("first_received_ns", f.firstNs);
            m.put("last_received_ns", f.lastNs);
            files.add(m);
            malformed += f.malformed;
        }
        d.put("files", files);
        d.put("malformed_lines", malformed);
        d.put("loop", options.loop());
        d.put("loops", pass);
        d.put("period_ms", periodNanos / 1_000_000);
        d.put("aliases", options.aliases());
        d.put("messages", messages);
        d.put("messages_per_stream", new TreeMap<>(perStream));
        d.put("clock", "local receive time of the recording (the capture line prefix)");
        return d;
    }

    @Override
    public void close() throws IOException {
        closeOpen();
    }

    private void closeOpen() throws IOException {
        heap.clear();
        IOException failure = null;
        for (Cursor c : open) {
            try {
                c.reader.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** One pass over the file: hash, counts, the symbol, clocks and id ranges. */
    private static FileInfo scan(Path p) throws IOException {
        FileInfo f = new FileInfo(p);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream raw = new DigestInputStream(Files.newInputStream(p), sha);
             java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                     p.getFileName().toString().endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw, 1 << 16) : raw,
                     java.nio.charset.StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                f.lines++;
                RawMessage m = CaptureReader.parseLine(line);
                if (m == null) {
                    f.malformed++;
                    continue;
                }
                f.firstNs = Math.min(f.firstNs, m.receivedNanos());
                f.lastNs = Math.max(f.lastNs, m.receivedNanos());
                String text = m.text();
                String stream = CaptureTransform.streamOf(text);
                if (stream != null) {
                    int at = stream.indexOf('@');
                    if (f.symbol == null && at > 0) {
                        f.symbol = stream.substring(0, at).toUpperCase(Locale.ROOT);
                    }
                    String kind = at > 0 ? stream.substring(at + 1) : "";
                    if (kind.equals("aggTrade")) {
                        f.minTrade = Math.min(f.minTrade, numberField(text, "\"a\":"));
                        f.maxTrade = Math.max(f.maxTrade, numberField(text, "\"a\":"));
                    } else if (kind.equals("trade")) {
                        f.minTrade = Math.min(f.minTrade, numberField(text, "\"t\":"));
                        f.maxTrade = Math.max(f.maxTrade, numberField(text, "\"t\":"));
                    } else {
                        long u = numberField(text, "\"u\":");
                        if (u != Long.MIN_VALUE) {
                            f.minUpdate = Math.min(f.minUpdate, u);
                            f.maxUpdate = Math.max(f.maxUpdate, u);
                        }
                        if (kind.equals("depth") || kind.startsWith("depth@")) {
                            long pu = numberField(text, "\"pu\":");
                            if (f.firstDiffPu == Long.MIN_VALUE) {
                                f.firstDiffPu = pu;
                            }
                            f.lastDiffU = Math.max(f.lastDiffU, u);
                        }
                    }
                } else if (CaptureTransform.isSnapshot(text)) {
                    long id = numberField(text, "\"lastUpdateId\":");
                    f.minUpdate = Math.min(f.minUpdate, id);
                    f.maxUpdate = Math.max(f.maxUpdate, id);
                }
            }
        }
        f.sha256 = HexFormat.of().formatHex(sha.digest());
        if (f.symbol == null) {
            String name = p.getFileName().toString();
            int us = name.indexOf('_');
            f.symbol = (us > 0 ? name.substring(0, us) : name.replaceAll("\\..*$", "")).toUpperCase(Locale.ROOT);
        }
        if (f.firstNs == Long.MAX_VALUE) {
            f.firstNs = 0;
            f.lastNs = 0;
        }
        return f;
    }

    /** The unquoted integer after {@code key} (which includes quotes and colon), or Long.MIN_VALUE. */
    static long numberField(String text, String key) {
        int k = text.indexOf(key);
        if (k < 0) {
            return Long.MIN_VALUE;
        }
        int from = k + key.length();
        int to = from;
        while (to < text.length() && (Character.isDigit(text.charAt(to)) || (to == from && text.charAt(to) == '-'))) {
            to++;
        }
        return to == from ? Long.MIN_VALUE : Long.parseLong(text, from, to, 10);
    }
}
