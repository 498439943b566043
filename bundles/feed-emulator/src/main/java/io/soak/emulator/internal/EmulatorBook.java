package io.soak.emulator.internal;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The emulator's own view of one symbol's full book while it serves a recorded diff stream: anchored on the
 * recording's snapshot, every diff applied (also those a {@code feed-gap} fault kept from clients), so after a
 * gap it can send clients a fresh snapshot ({@code <sym>@depthSnapshot}) to resync from, as a client would
 * fetch from the exchange's REST API. Prices and quantities are kept as the exchange's strings. Text scanning
 * only (the diff format is fixed); diffs before the first snapshot are kept (bounded) and applied after it.
 */
final class EmulatorBook {

    private static final Comparator<String> PRICE = Comparator.comparingDouble(Double::parseDouble);

    private final TreeMap<String, String> bids = new TreeMap<>(PRICE.reversed());
    private final TreeMap<String, String> asks = new TreeMap<>(PRICE);
    private final ArrayDeque<String> early = new ArrayDeque<>();
    private boolean anchored;
    private long lastU;
    private long lastE;
    private long lastT;

    /** A wrapped snapshot message's data. */
    void snapshot(String text) {
        bids.clear();
        asks.clear();
        apply(bids, array(text, "\"bids\":"));
        apply(asks, array(text, "\"asks\":"));
        long l = number(text, "\"lastUpdateId\":");
        anchored = true;
        lastU = l;
        while (!early.isEmpty()) {
            String d = early.pollFirst();
            if (number(d, "\"u\":") > l) {
                diff(d);
            }
        }
    }

    /** A diff message ({@code depthUpdate}). */
    void diff(String text) {
        if (!anchored) {
            if (early.size() == 256) {
                early.pollFirst();
            }
            early.addLast(text);
            return;
        }
        apply(bids, array(text, "\"b\":"));
        apply(asks, array(text, "\"a\":"));
        lastU = number(text, "\"u\":");
        lastE = number(text, "\"E\":");
        lastT = number(text, "\"T\":");
    }

    boolean anchored() {
        return anchored;
    }

    /** A snapshot envelope of the current book (up to 1000 levels a side), or null before the first snapshot. */
    String snapshotMessage(String symbolLower) {
        if (!anchored) {
            return null;
        }
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("{\"stream\":\"").append(symbolLower).append("@depthSnapshot\",\"data\":{\"lastUpdateId\":").append(lastU)
                .append(",\"E\":").append(lastE).append(",\"T\":").append(lastT).append(",\"bids\":");
        levels(b, bids);
        b.append(",\"asks\":");
        levels(b, asks);
        return b.append("}}").toString();
    }

    private static void levels(StringBuilder b, TreeMap<String, String> side) {
        b.append('[');
        int n = 0;
        for (Map.Entry<String, String> e : side.entrySet()) {
            if (n == 1000) {
                break;
            }
            b.append(n++ == 0 ? "" : ",").append("[\"").append(e.getKey()).append("\",\"").append(e.getValue()).append("\"]");
        }
        b.append(']');
    }

    private static void apply(TreeMap<String, String> side, String array) {
        if (array == null) {
            return;
        }
        int i = 0;
        while ((i = array.indexOf("[\"", i)) >= 0) {
            int p1 = i + 2;
            int p2 = array.indexOf('"', p1);
            int q1 = array.indexOf('"', p2 + 1) + 1;
            int q2 = array.indexOf('"', q1);
            String price = array.substring(p1, p2);
            String qty = array.substring(q1, q2);
            if (Double.parseDouble(qty) == 0) {
                side.remove(price);
            } else {
                side.put(price, qty);
            }
            i = q2 + 1;
        }
    }

    /** The text of the JSON array after {@code key}, brackets included, or null. */
    private static String array(String text, String key) {
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

    private static long number(String text, String key) {
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
