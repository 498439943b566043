package io.soak.harvest.internal;

import java.util.Locale;

/**
 * What a combined-stream name tells: symbol, kind, counter key. Built once per distinct stream name and
 * cached by {@link StreamTable}, so the hot path allocates no strings for it.
 */
final class StreamInfo {

    enum Kind {
        AGG_TRADE, TRADE, BOOK_TICKER, PARTIAL_DEPTH, DIFF_DEPTH, SNAPSHOT, UNKNOWN;

        boolean trades() {
            return this == AGG_TRADE || this == TRADE;
        }

        boolean book() {
            return this == BOOK_TICKER || this == PARTIAL_DEPTH || this == DIFF_DEPTH;
        }
    }

    final String name;
    final String symbol;
    final Kind kind;
    final String counterKey;

    StreamInfo(String name) {
        this.name = name;
        int at = name.indexOf('@');
        this.symbol = at > 0 ? name.substring(0, at).toUpperCase(Locale.ROOT) : "";
        this.kind = at > 0 ? kindOf(name.substring(at + 1)) : Kind.UNKNOWN;
        this.counterKey = "messages_per_stream." + name;
    }

    static Kind kindOf(String suffix) {
        if (suffix.equals("aggTrade")) {
            return Kind.AGG_TRADE;
        }
        if (suffix.equals("trade")) {
            return Kind.TRADE;
        }
        if (suffix.equals("bookTicker")) {
            return Kind.BOOK_TICKER;
        }
        if (suffix.equals("depth") || suffix.startsWith("depth@")) {
            return Kind.DIFF_DEPTH;
        }
        if (suffix.startsWith("depth5") || suffix.startsWith("depth10") || suffix.startsWith("depth20")) {
            return Kind.PARTIAL_DEPTH;
        }
        if (suffix.equals("depthSnapshot")) {
            return Kind.SNAPSHOT;
        }
        return Kind.UNKNOWN;
    }
}
