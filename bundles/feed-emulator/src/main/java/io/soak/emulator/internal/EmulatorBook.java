package io.soak.emulator.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The emulator's own full book of one symbol while it serves a recorded diff stream: anchored on the recording's
 * snapshot, every diff applied (also those a {@code feed-gap} fault kept from clients). It answers the REST depth
 * snapshot ({@code GET /fapi/v1/depth}) with the book as of the last diff sent, so Binance's documented procedure
 * works for a client joining at any time, and builds the partial books ({@code depth5/10/20}). Prices and
 * quantities are kept as the exchange's strings; text scanning only (the diff format is fixed).
 *
 * <p>Loop seams: when the recording starts again, its (seam) snapshot arrives while the book is anchored. The
 * book is not re-anchored silently (a client that followed the diffs across the seam would then disagree with
 * the REST snapshot, and could hold stale levels that cross the new pass's prices). When the snapshot is ahead of
 * the book ({@code lastUpdateId} above the last {@code u} sent, always so at a loop seam), the diffs recorded
 * before it ({@code u < lastUpdateId}) are not sent (counted, {@link #seamStaleDiffs()}), and the bridging diff
 * ({@code u ≥ lastUpdateId}) is sent as the difference from the current book to the true one (the snapshot plus
 * that diff: absolute quantities, 0 for a level that is gone) with {@code pu} = the last {@code u} sent: a client
 * following Binance's procedure sees one unbroken {@code pu} chain across the seam and holds the true book after
 * the bridging diff, like the REST snapshot. When the book is already past the snapshot (a snapshot recorded late,
 * mid-stream), the difference between the book and the snapshot plus the diffs after it is folded into the next
 * diff sent instead. Thread-safe (the pacer writes, REST reads).
 */
final class EmulatorBook {

    private static final Comparator<String> PRICE = Comparator.comparingDouble(Double::parseDouble);

    private final TreeMap<String, String> bids = new TreeMap<>(PRICE.reversed());
    private final TreeMap<String, String> asks = new TreeMap<>(PRICE);
    private final ArrayDeque<String> early = new ArrayDeque<>();
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final TreeMap<String, String> repairBids = new TreeMap<>(PRICE.reversed());
    private final TreeMap<String, String> repairAsks = new TreeMap<>(PRICE);
    private boolean anchored;
    private long lastU;
    private long lastE;
    private long lastT;
    private long seams;
    private long seamStale;
    /** A loop seam's snapshot ahead of the book, waiting for its bridging diff: its lastUpdateId, else -1. */
    private long seamAt = -1;
    private TreeMap<String, String> seamBids;
    private TreeMap<String, String> seamAsks;
    private String partial; // the last partial book seen (synthetic markets have no diff stream)

    /** The recording's snapshot (a wrapped {@code <sym>@depthSnapshot} line): anchors, or repairs at a loop seam. */
    synchronized void snapshot(String text) {
        long l = number(text, "\"lastUpdateId\":");
        if (anchored) {
            if (l > lastU) {
                seamBids = new TreeMap<>(PRICE.reversed());
                seamAsks = new TreeMap<>(PRICE);
                apply(seamBids, array(text, "\"bids\":"));
                apply(seamAsks, array(text, "\"asks\":"));
                seamAt = l;
                repairBids.clear();
                repairAsks.clear();
            } else {
                seam(text, l);
            }
            return;
        }
        bids.clear();
        asks.clear();
        apply(bids, array(text, "\"bids\":"));
        apply(asks, array(text, "\"asks\":"));
        anchored = true;
        lastU = l;
        lastE = Math.max(lastE, number(text, "\"E\":"));
        lastT = Math.max(lastT, number(text, "\"T\":"));
        while (!early.isEmpty()) {
            String d = early.pollFirst();
            if (number(d, "\"u\":") > l) {
                applyDiff(d);
            }
        }
    }

    private void seam(String text, long l) {
        TreeMap<String, String> tb = new TreeMap<>(PRICE.reversed());
        TreeMap<String, String> ta = new TreeMap<>(PRICE);
        apply(tb, array(text, "\"bids\":"));
        apply(ta, array(text, "\"asks\":"));
        for (String d : recent) {
            if (number(d, "\"u\":") > l) {
                apply(tb, array(d, "\"b\":"));
                apply(ta, array(d, "\"a\":"));
            }
        }
        difference(bids, tb, repairBids);
        difference(asks, ta, repairAsks);
        seams++;
    }

    private static void difference(TreeMap<String, String> now, TreeMap<String, String> truth, TreeMap<String, String> out) {
        out.clear();
        for (String p : now.keySet()) {
            if (!truth.containsKey(p)) {
                out.put(p, "0");
            }
        }
        for (Map.Entry<String, String> e : truth.entrySet()) {
            if (!e.getValue().equals(now.get(e.getKey()))) {
                out.put(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * A diff message ({@code depthUpdate}) about to be sent: applied, and returned as it must be sent (with a
     * pending seam repair folded in).
     */
    synchronized String diff(String text) {
        if (!anchored) {
            if (early.size() == 256) {
                early.pollFirst();
            }
            early.addLast(text);
            return text;
        }
        if (seamAt >= 0) {
            if (number(text, "\"u\":") < seamAt) {
                seamStale++;
                return null;
            }
            return bridge(text);
        }
        if (!repairBids.isEmpty() || !repairAsks.isEmpty()) {
            text = fold(fold(text, "\"b\":", repairBids), "\"a\":", repairAsks);
            repairBids.clear();
            repairAsks.clear();
        }
        applyDiff(text);
        return text;
    }

    private void applyDiff(String text) {
        apply(bids, array(text, "\"b\":"));
        apply(asks, array(text, "\"a\":"));
        lastU = number(text, "\"u\":");
        lastE = number(text, "\"E\":");
        lastT = number(text, "\"T\":");
        recent.addLast(text);
        if (recent.size() > 512) {
            recent.pollFirst();
        }
    }

    /** {@code text} with the repair levels not already in its own array after {@code key} inserted first. */
    static String fold(String text, String key, TreeMap<String, String> repair) {
        if (repair.isEmpty()) {
            return text;
        }
        int k = text.indexOf(key);
        if (k < 0) {
            return text;
        }
        String own = array(text, key);
        StringBuilder ins = new StringBuilder();
        for (Map.Entry<String, String> e : repair.entrySet()) {
            if (own == null || !own.contains("[\"" + e.getKey() + "\"")) {
                ins.append("[\"").append(e.getKey()).append("\",\"").append(e.getValue()).append("\"],");
            }
        }
        if (ins.length() == 0) {
            return text;
        }
        int open = k + key.length(); // the '['
        boolean empty = text.charAt(open + 1) == ']';
        if (empty) {
            ins.setLength(ins.length() - 1);
        }
        return text.substring(0, open + 1) + ins + text.substring(open + 1);
    }

    /**
     * The bridging diff of a pending seam snapshot, as it is sent: the difference from the current book to the
     * snapshot plus this diff, with this diff's ids and times but {@code pu} = the last {@code u} sent.
     */
    private String bridge(String text) {
        apply(seamBids, array(text, "\"b\":"));
        apply(seamAsks, array(text, "\"a\":"));
        TreeMap<String, String> db = new TreeMap<>(PRICE.reversed());
        TreeMap<String, String> da = new TreeMap<>(PRICE);
        difference(bids, seamBids, db);
        difference(asks, seamAsks, da);
        String data = ClientSession.payload(text);
        int s1 = data.indexOf("\"s\":\"") + 5;
        String symbolUpper = s1 < 5 ? "" : data.substring(s1, data.indexOf('"', s1));
        long prev = lastU;
        StringBuilder b = new StringBuilder(8192);
        int s0 = text.indexOf("\"stream\":\"") + 10;
        b.append("{\"stream\":\"").append(text, s0, text.indexOf('"', s0))
                .append("\",\"data\":{\"e\":\"depthUpdate\",\"E\":").append(number(data, "\"E\":"))
                .append(",\"T\":").append(number(data, "\"T\":")).append(",\"s\":\"").append(symbolUpper)
                .append("\",\"U\":").append(Math.max(number(data, "\"U\":"), prev + 1))
                .append(",\"u\":").append(number(data, "\"u\":")).append(",\"pu\":").append(prev).append(",\"b\":");
        levels(b, db, Integer.MAX_VALUE);
        b.append(",\"a\":");
        levels(b, da, Integer.MAX_VALUE);
        String out = b.append("}}").toString();
        seamAt = -1;
        seamBids = null;
        seamAsks = null;
        applyDiff(out);
        seams++;
        return out;
    }

    /** A partial book message of a synthetic market (kept for the REST snapshot when there is no diff stream). */
    synchronized void partialSeen(String text) {
        partial = text;
    }

    synchronized boolean anchored() {
        return anchored;
    }

    synchronized long seams() {
        return seams;
    }

    /** Diffs of a new pass recorded before its seam snapshot, not sent. */
    synchronized long seamStaleDiffs() {
        return seamStale;
    }

    /**
     * The REST answer of {@code GET /fapi/v1/depth} (up to {@code limit} levels a side), or null when the emulator
     * has no book of the symbol yet.
     */
    synchronized String rest(int limit) {
        if (!anchored) {
            if (partial == null) {
                return null;
            }
            String data = ClientSession.payload(partial);
            StringBuilder b = new StringBuilder(4096);
            b.append("{\"lastUpdateId\":").append(number(data, "\"u\":")).append(",\"E\":").append(number(data, "\"E\":"))
                    .append(",\"T\":").append(number(data, "\"T\":")).append(",\"bids\":");
            String bb = array(data, "\"b\":");
            String aa = array(data, "\"a\":");
            b.append(bb == null ? "[]" : bb).append(",\"asks\":").append(aa == null ? "[]" : aa).append('}');
            return b.toString();
        }
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("{\"lastUpdateId\":").append(lastU).append(",\"E\":").append(lastE).append(",\"T\":").append(lastT)
                .append(",\"bids\":");
        levels(b, bids, limit);
        b.append(",\"asks\":");
        levels(b, asks, limit);
        return b.append('}').toString();
    }

    /** A wrapped {@code <sym>@depthSnapshot} of the current book (the legacy in-stream snapshot), or null. */
    synchronized String snapshotMessage(String symbolLower) {
        String rest = rest(1000);
        return rest == null || !anchored ? null : "{\"stream\":\"" + symbolLower + "@depthSnapshot\",\"data\":" + rest + "}";
    }

    /**
     * A partial book envelope ({@code depth5/10/20}) of the current book, carrying the ids and times of the
     * update window it closes.
     */
    synchronized String partialMessage(String stream, String symbolUpper, int levels, long first, long prev) {
        StringBuilder b = new StringBuilder(1024);
        b.append("{\"stream\":\"").append(stream).append("\",\"data\":{\"e\":\"depthUpdate\",\"E\":").append(lastE)
                .append(",\"T\":").append(lastT).append(",\"s\":\"").append(symbolUpper).append("\",\"U\":").append(first)
                .append(",\"u\":").append(lastU).append(",\"pu\":").append(prev).append(",\"b\":");
        levels(b, bids, levels);
        b.append(",\"a\":");
        levels(b, asks, levels);
        return b.append("}}").toString();
    }

    /** Best bid and ask prices (NaN when a side is empty), for tests. */
    synchronized double[] top() {
        return new double[] {bids.isEmpty() ? Double.NaN : Double.parseDouble(bids.firstKey()),
                asks.isEmpty() ? Double.NaN : Double.parseDouble(asks.firstKey())};
    }

    private static void levels(StringBuilder b, TreeMap<String, String> side, int max) {
        b.append('[');
        int n = 0;
        for (Map.Entry<String, String> e : side.entrySet()) {
            if (n == max) {
                break;
            }
            b.append(n++ == 0 ? "" : ",").append("[\"").append(e.getKey()).append("\",\"").append(e.getValue()).append("\"]");
        }
        b.append(']');
    }

    static void apply(TreeMap<String, String> side, String array) {
        for (String[] l : pairs(array)) {
            if (Double.parseDouble(l[1]) == 0) {
                side.remove(l[0]);
            } else {
                side.put(l[0], l[1]);
            }
        }
    }

    /** The {@code [price, qty]} pairs of a level array's text. */
    static List<String[]> pairs(String array) {
        List<String[]> out = new ArrayList<>();
        if (array == null) {
            return out;
        }
        int i = 0;
        while ((i = array.indexOf("[\"", i)) >= 0) {
            int p1 = i + 2;
            int p2 = array.indexOf('"', p1);
            int q1 = array.indexOf('"', p2 + 1) + 1;
            int q2 = array.indexOf('"', q1);
            out.add(new String[] {array.substring(p1, p2), array.substring(q1, q2)});
            i = q2 + 1;
        }
        return out;
    }

    /** The text of the JSON array after {@code key}, brackets included, or null. */
    static String array(String text, String key) {
        int k = text.indexOf(key);
        if (k < 0) {
            return null;
        }
        int start = k + key.length();
        int depth = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return text.substring(start, i + 1);
            }
        }
        return null;
    }

    static long number(String text, String key) {
        int k = text.indexOf(key);
        if (k < 0) {
            return 0;
        }
        int from = k + key.length();
        int to = from;
        while (to < text.length() && (Character.isDigit(text.charAt(to)) || text.charAt(to) == '-')) {
            to++;
        }
        return to == from ? 0 : Long.parseLong(text, from, to, 10);
    }
}
