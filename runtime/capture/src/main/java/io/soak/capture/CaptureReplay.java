package io.soak.capture;

import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
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
 * <p>Symbols: each message's symbol is its own ({@code "s"} of the data, else the stream name's prefix),
 * never the file name's; a file may hold several symbols and a symbol may span several files (a capture
 * split at midnight). A bare REST snapshot line (no symbol in it) belongs to its file's only symbol; in a
 * file of several symbols it cannot be attributed and is skipped (counted, {@code unattributed_snapshots}).
 *
 * <p>Time: every file's receive-time unit (ns, µs, ms) is detected and lines with an implausible receive
 * or exchange time are skipped and counted ({@link CaptureReader}); a truncated gzip replays its readable
 * part and adds a {@link #warnings() warning} naming the file and the offset.
 *
 * <p>Looping: pass {@code k} (k ≥ 1) is the recording shifted by {@code k × period}, where the period is the
 * recording's span (first to last receive time over all files) plus {@code loopGapNanos}, rounded up to a
 * whole millisecond; exchange times {@code E}/{@code T} move by the same amount. Per recorded symbol, over
 * all its files, trade ids move by {@code k × (max − min + 1)} and update ids ({@code u/U/pu/lastUpdateId})
 * by {@code k × (max − min + 1)}: no id of pass k repeats one of an earlier pass. The book must not carry
 * pass k−1's levels into pass k (its content jumps at the seam even where ids would continue), so each pass
 * k ≥ 1 opens with a <em>seam snapshot</em> per symbol: the symbol's first REST snapshot of the recording,
 * shifted into pass k, as {@code {"stream":"<sym>@depthSnapshot","seam":true,"data":…}} at the pass's first
 * receive time; the recorded snapshot line is not repeated in that pass. A book re-anchors on it (a counted
 * resync at every seam) and is, from its bridging diff on, exactly the book of pass 0 at the same point.
 * Not thread-safe.
 */
public final class CaptureReplay implements ReplayFeed {

    /**
     * What to replay.
     *
     * @param files        capture files (gzip or plain)
     * @param symbols      served symbols, upper-case; empty = every recorded symbol plus every alias
     * @param aliases      served symbol → recorded symbol
     * @param loop         replay again (shifted) after the end, forever
     * @param loopGapNanos pause between passes, ≥ 0
     * @param maxSkewMs    bound on |receive time − exchange time − the file's clock offset|, ms (> 0)
     */
    public record Options(List<Path> files, List<String> symbols, Map<String, String> aliases, boolean loop,
                          long loopGapNanos, long maxSkewMs) {

        public Options {
            files = List.copyOf(files);
            symbols = symbols.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
            Map<String, String> a = new TreeMap<>();
            aliases.forEach((k, v) -> a.put(k.toUpperCase(Locale.ROOT), v.toUpperCase(Locale.ROOT)));
            aliases = java.util.Collections.unmodifiableMap(a);
            if (maxSkewMs <= 0) {
                maxSkewMs = CaptureReader.DEFAULT_MAX_SKEW_MS;
            }
        }

        /** With the default time skew bound ({@link CaptureReader#DEFAULT_MAX_SKEW_MS}). */
        public Options(List<Path> files, List<String> symbols, Map<String, String> aliases, boolean loop,
                       long loopGapNanos) {
            this(files, symbols, aliases, loop, loopGapNanos, CaptureReader.DEFAULT_MAX_SKEW_MS);
        }
    }

    /** What the pre-scan learned about one file. */
    private static final class FileInfo {
        final Path path;
        final int index;
        String sha256;
        String unit;
        long clockOffsetMs;
        long lines;
        long malformed;
        long outOfRange;
        String truncation;
        final TreeSet<String> symbols = new TreeSet<>();
        long firstNs = Long.MAX_VALUE;
        long lastNs = Long.MIN_VALUE;

        FileInfo(Path path, int index) {
            this.path = path;
            this.index = index;
        }

        /** The one symbol a bare snapshot line of this file belongs to, or null. */
        String soleSymbol() {
            return symbols.size() == 1 ? symbols.first() : null;
        }
    }

    /** What the pre-scan learned about one recorded symbol, over all its files. */
    private static final class SymbolInfo {
        final String symbol;
        long minTrade = Long.MAX_VALUE;
        long maxTrade = Long.MIN_VALUE;
        long minUpdate = Long.MAX_VALUE;
        long maxUpdate = Long.MIN_VALUE;
        String snapshot; // the bare JSON of the earliest snapshot
        long snapshotNs = Long.MAX_VALUE;
        int snapshotFile = -1;
        long snapshotLine = -1;
        List<String> servedAs = List.of();
        /** One alias per served symbol, in {@link #servedAs} order (needles built once, not per message). */
        List<CaptureTransform.Alias> aliases = List.of();

        SymbolInfo(String symbol) {
            this.symbol = symbol;
        }

        void trade(long id) {
            if (id != Long.MIN_VALUE) {
                minTrade = Math.min(minTrade, id);
                maxTrade = Math.max(maxTrade, id);
            }
        }

        void update(long id) {
            if (id != Long.MIN_VALUE) {
                minUpdate = Math.min(minUpdate, id);
                maxUpdate = Math.max(maxUpdate, id);
            }
        }

        long tradeShift(int pass) {
            return maxTrade >= minTrade ? pass * (maxTrade - minTrade + 1) : 0;
        }

        long updateShift(int pass) {
            return maxUpdate >= minUpdate ? pass * (maxUpdate - minUpdate + 1) : 0;
        }
    }

    /** One open file in the merge, with its expanded (aliased) messages of the current line. */
    private final class Cursor {
        final FileInfo info;
        final int order;
        final CaptureReader reader;
        final ArrayDeque<RawMessage> pending = new ArrayDeque<>(4);

        Cursor(FileInfo info, int order) throws IOException {
            this.info = info;
            this.order = order;
            this.reader = new CaptureReader(info.path, options.maxSkewMs());
        }

        /** Fills {@link #pending} from the next line; false at the end of the file. */
        boolean advance() throws IOException {
            while (pending.isEmpty()) {
                RawMessage m = reader.next();
                if (m == null) {
                    return false;
                }
                expand(info, reader.linesRead(), m, pending);
            }
            return true;
        }

        long headNanos() {
            return pending.peekFirst().receivedNanos();
        }
    }

    private final Options options;
    private final List<FileInfo> infos = new ArrayList<>();
    private final Map<String, SymbolInfo> symbols = new TreeMap<>();
    private final long firstNs;
    private final long periodNanos;
    private final PriorityQueue<Cursor> heap = new PriorityQueue<>((x, y) -> {
        int c = Long.compare(x.headNanos(), y.headNanos());
        return c != 0 ? c : Integer.compare(x.order, y.order);
    });
    private final List<Cursor> open = new ArrayList<>();
    private final ArrayDeque<RawMessage> seam = new ArrayDeque<>();
    private final List<String> warnings = new ArrayList<>();
    private int pass;
    private long messages;
    private long seams;
    private long unattributed;
    private long lastNanos = Long.MIN_VALUE;
    /** Messages per stream name (a hash map on the reader's path; sorted when described). */
    private final Map<String, long[]> perStream = new HashMap<>();

    /**
     * Scans every file (hash, counts, symbols, id ranges) and opens the first pass.
     *
     * @throws CaptureFileException when a file is missing, empty, not a capture or unreadable (names it)
     */
    public CaptureReplay(Options options) throws IOException {
        this.options = options;
        if (options.files().isEmpty()) {
            throw new IOException("capture replay needs at least one file (source files are empty)");
        }
        for (Path p : options.files()) {
            infos.add(scan(p, infos.size()));
        }
        TreeSet<String> recorded = new TreeSet<>(symbols.keySet());
        for (SymbolInfo s : symbols.values()) {
            List<String> served = new ArrayList<>();
            if (options.symbols().isEmpty() || options.symbols().contains(s.symbol)) {
                served.add(s.symbol);
            }
            options.aliases().forEach((as, rec) -> {
                if (rec.equals(s.symbol) && !recorded.contains(as)
                        && (options.symbols().isEmpty() || options.symbols().contains(as))) {
                    served.add(as);
                }
            });
            s.servedAs = List.copyOf(served);
            s.aliases = served.stream().map(as -> new CaptureTransform.Alias(s.symbol, as)).toList();
        }
        for (FileInfo f : infos) {
            if (f.truncation != null) {
                warnings.add(f.truncation + "; its readable part is replayed");
            }
        }
        long first = infos.stream().mapToLong(f -> f.firstNs).min().orElse(0);
        long last = infos.stream().mapToLong(f -> f.lastNs).max().orElse(0);
        this.firstNs = first;
        long span = Math.max(0, last - first) + Math.max(0, options.loopGapNanos());
        this.periodNanos = Math.max(1, (span + 999_999) / 1_000_000) * 1_000_000;
        openPass();
    }

    /** Recorded symbols served by no-one are skipped; a served symbol with no data is listed in describe(). */
    private void openPass() throws IOException {
        closeOpen();
        if (pass > 0) {
            long at = firstNs + pass * periodNanos;
            for (SymbolInfo s : symbols.values()) {
                if (s.snapshot == null || s.servedAs.isEmpty()) {
                    continue;
                }
                String text = CaptureTransform.shift(seamSnapshot(s.snapshot, s.symbol), pass * periodNanos / 1_000_000,
                        s.tradeShift(pass), s.updateShift(pass));
                for (CaptureTransform.Alias alias : s.aliases) {
                    seam.add(new RawMessage(at, alias.apply(text)));
                }
                seams++;
            }
        }
        int order = 0;
        for (FileInfo f : infos) {
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
            RawMessage m = seam.pollFirst();
            if (m == null) {
                Cursor c = heap.poll();
                if (c == null) {
                    if (!options.loop() || messages == 0) {
                        return null;
                    }
                    pass++;
                    openPass();
                    continue;
                }
                m = c.pending.pollFirst();
                if (!c.pending.isEmpty() || c.advance()) {
                    heap.add(c);
                }
            }
            // keep the merged order non-decreasing even if a file is slightly out of order
            if (m.receivedNanos() < lastNanos) {
                m = new RawMessage(lastNanos, m.text());
            }
            lastNanos = m.receivedNanos();
            messages++;
            String stream = CaptureTransform.streamOf(m.text());
            perStream.computeIfAbsent(stream == null ? "(none)" : stream, k -> new long[1])[0]++;
            return m;
        }
    }

    private void expand(FileInfo f, long line, RawMessage m, Deque<RawMessage> out) {
        String text = m.text();
        String symbol;
        if (CaptureTransform.isSnapshot(text)) {
            symbol = f.soleSymbol();
            if (symbol == null) {
                unattributed++;
                return;
            }
            text = CaptureTransform.wrapSnapshot(text, symbol);
        } else {
            symbol = knownSymbolOf(text);
        }
        SymbolInfo s = symbol == null ? null : symbols.get(symbol);
        if (s == null) {
            // no symbol: passed through as it is, for the harvester to count
            out.add(pass == 0 ? m : new RawMessage(m.receivedNanos() + pass * periodNanos,
                    CaptureTransform.shift(text, pass * periodNanos / 1_000_000, 0, 0)));
            return;
        }
        if (s.servedAs.isEmpty()) {
            return;
        }
        if (pass > 0 && s.snapshotFile == f.index && s.snapshotLine == line) {
            return; // this pass opened with it (the seam snapshot)
        }
        long recv = m.receivedNanos();
        if (pass > 0) {
            text = CaptureTransform.shift(text, pass * periodNanos / 1_000_000, s.tradeShift(pass), s.updateShift(pass));
            recv += pass * periodNanos;
        }
        for (CaptureTransform.Alias alias : s.aliases) {
            out.add(new RawMessage(recv, alias.apply(text)));
        }
    }

    /**
     * {@link #symbolOf(String)} without a substring and an upper-casing per message: the data's symbol field is
     * compared with the recorded symbols in place; anything else (no field, another symbol, another case) takes
     * {@link #symbolOf(String)}, so the result is the same.
     */
    private String knownSymbolOf(String json) {
        int k = json.indexOf("\"s\":\"");
        if (k >= 0) {
            int from = k + 5;
            for (String known : symbols.keySet()) {
                int end = from + known.length();
                if (json.startsWith(known, from) && end < json.length() && json.charAt(end) == '"') {
                    return known;
                }
            }
        }
        return symbolOf(json);
    }

    /** The seam snapshot of a recorded snapshot (bare or wrapped). */
    static String seamSnapshot(String snapshot, String symbol) {
        String bare = snapshot;
        if (!CaptureTransform.isSnapshot(snapshot)) {
            int d = snapshot.indexOf("\"data\":");
            bare = snapshot.substring(d + 7, snapshot.lastIndexOf('}'));
        }
        return "{\"stream\":\"" + symbol.toLowerCase(Locale.ROOT) + CaptureTransform.SNAPSHOT_SUFFIX
                + "\",\"seam\":true,\"data\":" + bare + "}";
    }

    /**
     * The symbol of a message, upper-case: {@code "s"} of its data, else the prefix of its stream name; null
     * when it has neither.
     */
    public static String symbolOf(String json) {
        int k = json.indexOf("\"s\":\"");
        if (k >= 0) {
            int to = json.indexOf('"', k + 5);
            if (to > k + 5) {
                return json.substring(k + 5, to).toUpperCase(Locale.ROOT);
            }
        }
        String stream = CaptureTransform.streamOf(json);
        if (stream != null) {
            int at = stream.indexOf('@');
            if (at > 0) {
                return stream.substring(0, at).toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** Loop passes completed so far. */
    public int completedLoops() {
        return pass;
    }

    public long messages() {
        return messages;
    }

    /**
     * Warnings to show with the run's verdict: one per truncated or corrupt file, naming it and the offset
     * where it stopped being readable.
     */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Files (path, sha-256, time unit, lines, malformed and out-of-range lines, truncation, symbols), symbols
     * (served as, id ranges), loops, seams, warnings, messages per stream.
     */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        List<Map<String, Object>> files = new ArrayList<>();
        long malformed = 0;
        long outOfRange = 0;
        for (FileInfo f : infos) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path.toString());
            m.put("sha256", f.sha256);
            m.put("time_unit", f.unit);
            m.put("clock_offset_ms", f.clockOffsetMs);
            m.put("lines", f.lines);
            m.put("malformed_lines", f.malformed);
            m.put("out_of_range_lines", f.outOfRange);
            if (f.truncation != null) {
                m.put("truncated_at_offset", f.truncation);
            }
            m.put("symbols", List.copyOf(f.symbols));
            m.put("symbol", f.symbols.isEmpty() ? "" : f.symbols.first());
            List<String> servedAs = new ArrayList<>();
            f.symbols.forEach(s -> servedAs.addAll(symbols.get(s).servedAs));
            m.put("served_as", servedAs);
            m.put("first_received_ns", f.firstNs);
            m.put("last_received_ns", f.lastNs);
            files.add(m);
            malformed += f.malformed;
            outOfRange += f.outOfRange;
        }
        d.put("files", files);
        Map<String, Object> sym = new TreeMap<>();
        symbols.forEach((k, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("served_as", s.servedAs);
            m.put("seam_snapshot", s.snapshot != null);
            m.put("trade_id_shift_per_pass", s.tradeShift(1));
            m.put("update_id_shift_per_pass", s.updateShift(1));
            sym.put(k, m);
        });
        d.put("symbols", sym);
        d.put("malformed_lines", malformed);
        d.put("out_of_range_lines", outOfRange);
        d.put("unattributed_snapshots", unattributed);
        d.put("warnings", warnings());
        d.put("loop", options.loop());
        d.put("loops", pass);
        d.put("seams", seams);
        d.put("period_ms", periodNanos / 1_000_000);
        d.put("max_time_skew_ms", options.maxSkewMs());
        d.put("aliases", options.aliases());
        d.put("messages", messages);
        Map<String, Long> sorted = new TreeMap<>();
        perStream.forEach((k, v) -> sorted.put(k, v[0]));
        d.put("messages_per_stream", sorted);
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

    /** One pass over the file: hash, counts, symbols, clocks and id ranges. */
    private FileInfo scan(Path p, int index) throws IOException {
        FileInfo f = new FileInfo(p, index);
        List<long[]> bareSnapshots = new ArrayList<>(); // {line, recv, lastUpdateId}
        List<String> bareTexts = new ArrayList<>();
        try (CaptureReader r = new CaptureReader(p, options.maxSkewMs())) {
            f.unit = r.timeUnit();
            f.clockOffsetMs = r.clockOffsetMs();
            RawMessage m;
            while ((m = r.next()) != null) {
                f.firstNs = Math.min(f.firstNs, m.receivedNanos());
                f.lastNs = Math.max(f.lastNs, m.receivedNanos());
                String text = m.text();
                if (CaptureTransform.isSnapshot(text)) {
                    bareSnapshots.add(new long[] {r.linesRead(), m.receivedNanos(), numberField(text, "\"lastUpdateId\":")});
                    bareTexts.add(text);
                    continue;
                }
                String symbol = symbolOf(text);
                if (symbol == null) {
                    continue;
                }
                f.symbols.add(symbol);
                SymbolInfo s = symbols.computeIfAbsent(symbol, SymbolInfo::new);
                String stream = CaptureTransform.streamOf(text);
                int at = stream == null ? -1 : stream.indexOf('@');
                String kind = at > 0 ? stream.substring(at + 1) : "";
                if (kind.equals("aggTrade")) {
                    s.trade(numberField(text, "\"a\":"));
                    s.trade(numberField(text, "\"f\":"));
                    s.trade(numberField(text, "\"l\":"));
                } else if (kind.equals("trade")) {
                    s.trade(numberField(text, "\"t\":"));
                } else if (kind.equals("depthSnapshot")) {
                    long id = numberField(text, "\"lastUpdateId\":");
                    s.update(id);
                    if (m.receivedNanos() < s.snapshotNs && id != Long.MIN_VALUE) {
                        s.snapshotNs = m.receivedNanos();
                        s.snapshot = text;
                        s.snapshotFile = index;
                        s.snapshotLine = r.linesRead();
                    }
                } else {
                    s.update(numberField(text, "\"u\":"));
                    s.update(numberField(text, "\"U\":"));
                    s.update(numberField(text, "\"pu\":"));
                }
            }
            f.lines = r.linesRead();
            f.malformed = r.malformedLines();
            f.outOfRange = r.outOfRangeLines();
            f.truncation = r.truncation();
        }
        String sole = f.soleSymbol();
        for (int i = 0; i < bareSnapshots.size(); i++) {
            long[] b = bareSnapshots.get(i);
            if (sole == null) {
                continue;
            }
            SymbolInfo s = symbols.get(sole);
            s.update(b[2]);
            if (b[1] < s.snapshotNs && b[2] != Long.MIN_VALUE) {
                s.snapshotNs = b[1];
                s.snapshot = bareTexts.get(i);
                s.snapshotFile = index;
                s.snapshotLine = b[0];
            }
        }
        f.sha256 = sha256(p);
        if (f.firstNs == Long.MAX_VALUE) {
            f.firstNs = 0;
            f.lastNs = 0;
        }
        return f;
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The unquoted integer after {@code key} (which includes quotes and colon), or Long.MIN_VALUE. */
    static long numberField(String text, String key) {
        int k = text.indexOf(key);
        if (k < 0) {
            return Long.MIN_VALUE;
        }
        int from = k + key.length();
        int to = from;
        while (to < text.length() && to - from < 19
                && (Character.isDigit(text.charAt(to)) || (to == from && text.charAt(to) == '-'))) {
            to++;
        }
        if (to == from || (to == from + 1 && text.charAt(from) == '-')) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(text, from, to, 10);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }
}
