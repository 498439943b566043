package io.soak.harvest.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The source's half of Binance's documented local order book procedure (USDⓈ-M): it watches every diff-depth
 * frame it hands to the ingress ({@code U}, {@code u}, {@code pu} read by a text scan) and says when a symbol
 * needs a REST snapshot: after a connection opened (at the first diff buffered, so the snapshot is taken after
 * the stream started), after a {@code pu} ≠ previous {@code u} break, after a diff frame the ingress dropped
 * (counted and fetched at the next diff it delivers: frames refused while the run stops are no resync),
 * and again when a fetched snapshot cannot anchor the buffered stream (older than the first buffered diff, or
 * so slow that the harvester's 256-diff buffer overflowed). The harvest stage applies the rules themselves
 * (drop {@code u < lastUpdateId}, start at {@code U ≤ lastUpdateId ≤ u}, then {@code pu} = previous {@code u})
 * on the snapshot the source injects as a {@code <sym>@depthSnapshot} frame, so the stage does no I/O.
 * Every request is counted with its reason ({@code depth_resync_reasons}). Thread-safe.
 */
final class DepthSync {

    /** The harvester keeps 256 diffs while unsynced: a snapshot that arrives after more than this many is late. */
    static final int MAX_BUFFERED = 200;

    private static final class Book {
        boolean need = true;
        String reason = "connect";
        boolean inFlight;
        boolean dropPending; // a diff the ingress refused, counted at the next delivered one
        long prevU = -1;
        long firstU = -1;
        int diffsSinceRequest;
        long snapshots;
        long lastUpdateId = -1;
        long requestedAtNanos;
        long firstSyncMs = -1;
        final Map<String, Long> reasons = new TreeMap<>();
    }

    private final Map<String, Book> books = new TreeMap<>();
    private final Map<String, Long> reasons = new TreeMap<>();
    private final long startNanos;

    DepthSync(Iterable<String> symbols, long startNanos) {
        this.startNanos = startNanos;
        for (String s : symbols) {
            books.put(s, new Book());
        }
    }

    /** A connection carrying diff streams (re)opened: every book needs a new snapshot. */
    synchronized void connectionOpened(boolean reconnect) {
        books.values().forEach(b -> {
            b.prevU = -1;
            b.dropPending = false; // the reconnect re-fetches anyway
            mark(b, reconnect ? "reconnect" : "connect", false);
        });
    }

    /**
     * One diff frame of {@code symbol}, after it was offered to the ingress ({@code delivered} false: dropped).
     *
     * @return true when a snapshot fetch should start now for this symbol
     */
    synchronized boolean onDiff(String symbol, long first, long last, long prev, boolean delivered, long now) {
        Book b = books.get(symbol);
        if (b == null) {
            return false;
        }
        if (!delivered) {
            // counted when a later diff is delivered: once the run is stopping the ingress refuses every frame
            // (before the source is stopped), and that is no resync
            b.dropPending = true;
        } else if (b.dropPending) {
            b.dropPending = false;
            mark(b, "ingress_dropped", true);
        } else if (b.prevU >= 0 && prev != b.prevU) {
            mark(b, "pu_gap", true);
        }
        b.prevU = last;
        if (b.inFlight) {
            b.diffsSinceRequest++;
            return false;
        }
        if (b.need && delivered) {
            b.need = false;
            b.inFlight = true;
            b.firstU = first;
            b.diffsSinceRequest = 1;
            b.requestedAtNanos = now;
            return true;
        }
        return false;
    }

    /**
     * A fetched snapshot of {@code symbol} with {@code lastUpdateId}.
     *
     * @return true when it should be injected; false when it cannot anchor the buffer (a new one is requested at
     *         the next diff)
     */
    synchronized boolean onSnapshot(String symbol, long lastUpdateId, long now) {
        Book b = books.get(symbol);
        if (b == null) {
            return false;
        }
        b.inFlight = false;
        if (b.need || b.dropPending) { // a break or a lost diff while the request was under way: of no use
            return false;
        }
        if (lastUpdateId < b.firstU) {
            mark(b, "snapshot_older_than_stream", true);
            return false;
        }
        if (b.diffsSinceRequest > MAX_BUFFERED) {
            mark(b, "snapshot_too_slow", true);
            return false;
        }
        b.snapshots++;
        b.lastUpdateId = lastUpdateId;
        if (b.firstSyncMs < 0) {
            b.firstSyncMs = (now - startNanos) / 1_000_000;
        }
        return true;
    }

    private void mark(Book b, String reason, boolean resync) {
        if (b.need && b.reason.equals(reason)) {
            return;
        }
        b.need = true;
        b.reason = reason;
        if (resync) {
            b.reasons.merge(reason, 1L, Long::sum);
            reasons.merge(reason, 1L, Long::sum);
        }
    }

    synchronized long resyncs() {
        return reasons.values().stream().mapToLong(Long::longValue).sum();
    }

    synchronized Map<String, Long> reasons() {
        return new TreeMap<>(reasons);
    }

    /** Per symbol: state, snapshots injected, last snapshot id, ms from the start to the first snapshot, reasons. */
    synchronized Map<String, Object> describe() {
        Map<String, Object> out = new TreeMap<>();
        books.forEach((sym, b) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("state", b.inFlight ? "fetching" : b.need ? "waiting_for_diff" : "snapshot_injected");
            d.put("snapshots", b.snapshots);
            d.put("last_snapshot_update_id", b.lastUpdateId);
            d.put("first_snapshot_after_ms", b.firstSyncMs);
            d.put("resync_reasons", new TreeMap<>(b.reasons));
            out.put(sym, d);
        });
        return out;
    }

    /** The long after {@code key} (for example {@code "u":}) in {@code text} from {@code from}, or -1. */
    static long number(String text, String key, int from) {
        int k = text.indexOf(key, from);
        if (k < 0) {
            return -1;
        }
        int i = k + key.length();
        long v = 0;
        int start = i;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
            i++;
        }
        return i == start ? -1 : v;
    }
}
