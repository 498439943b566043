package io.soak.harvest.internal;

import io.soak.api.market.BookDepth;
import io.soak.api.market.MarketEvent;
import io.soak.api.market.Trade;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.StageMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the harvest stage does per raw message, apart from time: parse, count per stream, dedupe trades,
 * keep the diff-stream books in sync, measure receive lag, and emit market events. Errors are counted and
 * kept (the last few, truncated), never thrown. Single-threaded; no clock (times come from the messages).
 */
final class Harvester {

    static final int ERROR_LINES_KEPT = 5;
    static final int ERROR_LINE_CHARS = 200;
    /** Default bound on |exchange time − receive time|, ms (one day). */
    static final long DEFAULT_MAX_SKEW_MS = 86_400_000L;
    /** Distinct skipped kinds and error streams counted by name; more are counted under "(other)". */
    static final int MAX_NAMED = 64;

    private final MarketParser parser = new MarketParser();
    /** The stream of the message being handled (as its envelope named it), or null. */
    private StreamInfo current;
    /** Messages this harvester parsed itself (not prepared ahead). */
    private long parsedHere;
    private final StageMetrics metrics;
    private final Consumer<MarketEvent> out;
    private final EventHash hash = new EventHash();
    private final int dedupeWindow;
    private final int topLevels;
    private final Map<String, TradeDedupe> dedupe = new HashMap<>();
    private final Map<String, LocalBook> books = new HashMap<>();
    private final LagHistogram lag = new LagHistogram();
    private final ArrayDeque<Map<String, Object>> lastErrors = new ArrayDeque<>();
    private final java.util.Set<String> named = new java.util.HashSet<>();
    private final long maxSkewMs;

    Harvester(StageMetrics metrics, Consumer<MarketEvent> out, int dedupeWindow, int topLevels) {
        this(metrics, out, dedupeWindow, topLevels, DEFAULT_MAX_SKEW_MS);
    }

    /**
     * @param maxSkewMs bound on |exchange time E (and trade time T) − local receive time|, ms: a message past
     *                  it is a parse error {@code time_out_of_range}, never emitted (it would move minutes and
     *                  clocks downstream)
     */
    Harvester(StageMetrics metrics, Consumer<MarketEvent> out, int dedupeWindow, int topLevels, long maxSkewMs) {
        this.metrics = metrics;
        this.out = e -> {
            hash.add(e);
            crossed(e);
            out.accept(e);
        };
        this.dedupeWindow = dedupeWindow;
        this.topLevels = topLevels;
        this.maxSkewMs = maxSkewMs;
    }

    /** Counts a crossed (best bid above best ask) or locked (equal) book state; it is still emitted. */
    private void crossed(MarketEvent e) {
        double bid;
        double ask;
        if (e instanceof io.soak.api.market.BookTicker t) {
            bid = t.bidPrice();
            ask = t.askPrice();
        } else if (e instanceof BookDepth d && d.bidPrices().length > 0 && d.askPrices().length > 0) {
            bid = d.bidPrices()[0];
            ask = d.askPrices()[0];
        } else {
            return;
        }
        if (bid > ask) {
            metrics.increment("book_crossed");
        } else if (bid == ask) {
            metrics.increment("book_locked");
        }
    }

    private boolean timeOk(long eventMs, long receivedNanos) {
        long d = eventMs - receivedNanos / 1_000_000L;
        return d >= -maxSkewMs && d <= maxSkewMs;
    }

    /**
     * Handles one raw message; returns its stream (for the freshness monitor), or null when it had none. A message
     * that carries a {@link Prepared} (parsed ahead on the engine's parser thread) is not parsed again.
     */
    StreamInfo onRaw(RawMessage raw) {
        Object parsed;
        MalformedMessageException failed;
        boolean seam;
        if (raw.prepared() instanceof Prepared p && p.of(raw)) {
            parsed = p.parsed;
            failed = p.error;
            current = p.stream;
            seam = p.seam;
        } else {
            parsedHere++;
            try {
                parsed = parser.parse(raw);
                failed = null;
            } catch (MalformedMessageException ex) {
                parsed = null;
                failed = ex;
            }
            current = parser.lastStream();
            seam = parser.lastSeam();
        }
        if (failed != null) {
            StreamInfo s = current;
            if (s != null && s.kind != StreamInfo.Kind.UNKNOWN) {
                metrics.increment(s.counterKey);
            }
            error(raw, failed.reason(), failed.getMessage());
            return null;
        }
        StreamInfo stream = current;
        if (parsed == MarketParser.SKIPPED) {
            metrics.increment("skipped_kinds");
            String name = stream.name;
            int at = name.indexOf('@');
            metrics.increment("skipped_kinds_by_kind." + bounded(at > 0 ? name.substring(at + 1) : name));
            return null;
        }
        metrics.increment(stream == null ? "messages_per_stream.depthSnapshot" : stream.counterKey);
        if (parsed instanceof MarketEvent ev) {
            if (!timeOk(ev.eventTimeMs(), raw.receivedNanos())
                    || ev instanceof Trade tt && !timeOk(tt.tradeTimeMs(), raw.receivedNanos())) {
                error(raw, "time_out_of_range", "exchange time " + ev.eventTimeMs() + " ms is more than "
                        + maxSkewMs + " ms from the receive time " + raw.receivedNanos() / 1_000_000L + " ms");
                return stream;
            }
            lag.record(raw.receivedNanos() / 1_000_000 - ev.eventTimeMs());
            if (ev instanceof Trade t) {
                if (!dedupe.computeIfAbsent(t.stream(), k -> new TradeDedupe(dedupeWindow)).firstSeen(t.tradeId())) {
                    metrics.increment("duplicates");
                    return stream;
                }
            }
            out.accept(ev);
        } else if (parsed instanceof ParsedDepth d) {
            depth(raw, d, seam);
        }
        return stream;
    }

    private void depth(RawMessage raw, ParsedDepth d, boolean seam) {
        if (d.eventTimeMs() != 0 && !timeOk(d.eventTimeMs(), raw.receivedNanos())) {
            error(raw, "time_out_of_range", "exchange time " + d.eventTimeMs() + " ms is more than " + maxSkewMs
                    + " ms from the receive time " + raw.receivedNanos() / 1_000_000L + " ms");
            return;
        }
        String symbol = d.symbol();
        if (symbol == null) { // a bare snapshot line: attributable only when exactly one diff book exists
            if (books.size() != 1) {
                error(raw, "unattributed_snapshot", "snapshot without a symbol and " + books.size() + " diff books: cannot attribute it");
                return;
            }
            symbol = books.keySet().iterator().next();
            d = new ParsedDepth(true, symbol, symbol.toLowerCase(java.util.Locale.ROOT) + "@depthSnapshot", d.firstId(),
                    d.finalId(), d.prevId(), d.bidPrices(), d.bidQuantities(), d.askPrices(), d.askQuantities(),
                    d.eventTimeMs(), d.receivedNanos());
        }
        LocalBook book = books.computeIfAbsent(symbol, s -> new LocalBook(s, topLevels, 256, 5_000));
        Consumer<BookDepth> emit = out::accept;
        long resyncsBefore = book.resyncs();
        if (d.snapshot()) {
            if (seam) {
                // a looped replay's seam: the pass that ends must have kept its book synced
                metrics.increment("book_seams");
                metrics.increment(book.state() == LocalBook.State.SYNCED ? "book_passes_synced" : "book_passes_unsynced");
            }
            LocalBook.Outcome o = book.onSnapshot(d, emit);
            metrics.increment(o == LocalBook.Outcome.SNAPSHOT_IGNORED ? "book_snapshots_ignored" : "book_snapshots");
            // diffs kept from before the snapshot are replayed onto it and may find a gap too
            if (book.resyncs() > resyncsBefore) {
                metrics.add("book_resyncs", book.resyncs() - resyncsBefore);
            }
            return;
        }
        lag.record(raw.receivedNanos() / 1_000_000 - d.eventTimeMs());
        switch (book.onDiff(d, emit)) {
            case RESYNC -> metrics.increment("book_resyncs");
            case BUFFERED -> metrics.increment("book_unsynced_diffs");
            case STALE -> metrics.increment("book_stale_diffs");
            default -> {
            }
        }
    }

    /** A counter name part from untrusted input, bounded in number (a flood of names cannot grow the metrics). */
    private String bounded(String name) {
        if (named.contains(name)) {
            return name;
        }
        if (named.size() >= MAX_NAMED || name.length() > 64) {
            return "(other)";
        }
        named.add(name);
        return name;
    }

    private void error(RawMessage raw, String reason, String why) {
        metrics.increment("parse_errors");
        metrics.increment("parse_errors_by_reason." + reason);
        StreamInfo s = current;
        metrics.increment("parse_errors_by_stream."
                + (s == null ? "(none)" : s.kind == StreamInfo.Kind.UNKNOWN ? bounded(s.name) : s.name));
        String text = raw.text();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("received_ns", raw.receivedNanos());
        e.put("reason", reason);
        e.put("error", why);
        e.put("text", text.length() > ERROR_LINE_CHARS ? text.substring(0, ERROR_LINE_CHARS) + "…" : text);
        if (lastErrors.size() == ERROR_LINES_KEPT) {
            lastErrors.pollFirst();
        }
        lastErrors.addLast(e);
    }

    List<Map<String, Object>> lastErrors() {
        return List.copyOf(new ArrayList<>(lastErrors));
    }

    /** Dedupe memory and diff books, for a hot swap to another version of the stage. */
    byte[] snapshot() throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(1); // format version
            out.writeInt(dedupe.size());
            for (Map.Entry<String, TradeDedupe> e : dedupe.entrySet()) {
                out.writeUTF(e.getKey());
                long[] ids = e.getValue().ids();
                out.writeInt(ids.length);
                for (long id : ids) {
                    out.writeLong(id);
                }
            }
            out.writeInt(books.size());
            for (Map.Entry<String, LocalBook> e : books.entrySet()) {
                out.writeUTF(e.getKey());
                e.getValue().write(out);
            }
        }
        return bytes.toByteArray();
    }

    void restore(byte[] state) throws java.io.IOException {
        try (java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(state))) {
            int version = in.readInt();
            if (version != 1) {
                throw new java.io.IOException("unknown harvest snapshot format " + version);
            }
            for (int n = in.readInt(); n > 0; n--) {
                TradeDedupe d = new TradeDedupe(dedupeWindow);
                dedupe.put(in.readUTF(), d);
                for (int k = in.readInt(); k > 0; k--) {
                    d.firstSeen(in.readLong());
                }
            }
            for (int n = in.readInt(); n > 0; n--) {
                String symbol = in.readUTF();
                LocalBook b = new LocalBook(symbol, topLevels, 256, 5_000);
                b.read(in);
                books.put(symbol, b);
            }
        }
    }

    /** Messages parsed here rather than taken prepared (for tests). */
    long parsedHere() {
        return parsedHere;
    }

    EventHash hash() {
        return hash;
    }

    LagHistogram lag() {
        return lag;
    }

    /** Per diff-book symbol: state and last update id. */
    Map<String, Object> bookStates() {
        Map<String, Object> m = new java.util.TreeMap<>();
        books.forEach((s, b) -> m.put(s, Map.of("state", b.state().name().toLowerCase(java.util.Locale.ROOT),
                "last_update_id", b.lastUpdateId(), "resyncs", b.resyncs())));
        return m;
    }
}
