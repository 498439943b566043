package io.soak.harvest.internal;

import io.soak.api.market.BookDepth;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The local order book of one symbol built from a diff stream ({@code @depth@0ms|100ms}) anchored on a REST
 * snapshot, with the Binance USDT-M sequencing rules:
 * <ul>
 *   <li>drop diffs with {@code u < lastUpdateId} of the snapshot;</li>
 *   <li>the first applied diff must satisfy {@code U <= lastUpdateId <= u};</li>
 *   <li>every later diff must have {@code pu == u} of the previous one; otherwise it is a gap: the book is
 *       resynced ({@code book_resyncs}), i.e. unsynced until the next snapshot.</li>
 * </ul>
 * Diffs that arrive before the snapshot are kept (bounded) and replayed when it arrives, because the diff
 * that bridges a snapshot usually arrives before the snapshot itself. While unsynced nothing is emitted
 * ("diff-only, unsynced": diffs are counted, not applied). A snapshot older than the synced book is ignored.
 */
final class LocalBook {

    enum State { UNSYNCED, ANCHORED, SYNCED }

    /** What happened to one input, for the stage's counters. */
    enum Outcome { APPLIED, BUFFERED, STALE, RESYNC, ANCHORED, SNAPSHOT_IGNORED }

    private final String symbol;
    private final int topLevels;
    private final int maxBuffered;
    private final SortedLevels bids;
    private final SortedLevels asks;
    private final ArrayDeque<ParsedDepth> pending = new ArrayDeque<>();
    private State state = State.UNSYNCED;
    private long anchorId;
    private long lastU;
    private long resyncs;

    LocalBook(String symbol, int topLevels, int maxBuffered, int maxLevels) {
        this.symbol = symbol;
        this.topLevels = topLevels;
        this.maxBuffered = maxBuffered;
        this.bids = new SortedLevels(true, maxLevels);
        this.asks = new SortedLevels(false, maxLevels);
    }

    State state() {
        return state;
    }

    long lastUpdateId() {
        return lastU;
    }

    long resyncs() {
        return resyncs;
    }

    /** The best {@code n} levels a side: bid prices, bid quantities, ask prices, ask quantities. */
    double[][] top(int n) {
        return new double[][] {bids.topPrices(n), bids.topQuantities(n), asks.topPrices(n), asks.topQuantities(n)};
    }

    /** Anchors on a snapshot, then replays the diffs kept while unsynced. Emits a book per applied diff. */
    Outcome onSnapshot(ParsedDepth snap, Consumer<BookDepth> out) {
        if (state == State.SYNCED && snap.finalId() <= lastU) {
            return Outcome.SNAPSHOT_IGNORED;
        }
        bids.clear();
        asks.clear();
        load(bids, snap.bidPrices(), snap.bidQuantities());
        load(asks, snap.askPrices(), snap.askQuantities());
        state = State.ANCHORED;
        anchorId = snap.finalId();
        lastU = anchorId;
        ArrayDeque<ParsedDepth> kept = new ArrayDeque<>(pending);
        pending.clear();
        for (ParsedDepth d : kept) {
            onDiff(d, out);
        }
        return Outcome.ANCHORED;
    }

    Outcome onDiff(ParsedDepth d, Consumer<BookDepth> out) {
        switch (state) {
            case UNSYNCED -> {
                buffer(d);
                return Outcome.BUFFERED;
            }
            case ANCHORED -> {
                if (d.finalId() < anchorId) {
                    return Outcome.STALE;
                }
                if (d.firstId() <= anchorId) {
                    apply(d, out);
                    state = State.SYNCED;
                    return Outcome.APPLIED;
                }
                return gap(d);
            }
            default -> {
                if (d.prevId() == lastU) {
                    apply(d, out);
                    return Outcome.APPLIED;
                }
                if (d.finalId() <= lastU) {
                    return Outcome.STALE;
                }
                return gap(d);
            }
        }
    }

    private Outcome gap(ParsedDepth d) {
        resyncs++;
        state = State.UNSYNCED;
        bids.clear();
        asks.clear();
        pending.clear();
        buffer(d);
        return Outcome.RESYNC;
    }

    private void buffer(ParsedDepth d) {
        if (pending.size() == maxBuffered) {
            pending.pollFirst();
        }
        pending.addLast(d);
    }

    private void apply(ParsedDepth d, Consumer<BookDepth> out) {
        load(bids, d.bidPrices(), d.bidQuantities());
        load(asks, d.askPrices(), d.askQuantities());
        lastU = d.finalId();
        out.accept(new BookDepth(symbol, d.stream(), d.finalId(), bids.topPrices(topLevels), bids.topQuantities(topLevels),
                asks.topPrices(topLevels), asks.topQuantities(topLevels), d.eventTimeMs(), d.receivedNanos()));
    }

    private static void load(SortedLevels side, double[] px, double[] qty) {
        for (int i = 0; i < px.length; i++) {
            side.set(px[i], qty[i]);
        }
    }

    /** The synced state for a hot-swap snapshot (diffs kept while unsynced are not carried over). */
    void write(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeUTF(state.name());
        out.writeLong(anchorId);
        out.writeLong(lastU);
        out.writeLong(resyncs);
        bids.write(out);
        asks.write(out);
    }

    void read(java.io.DataInputStream in) throws java.io.IOException {
        state = State.valueOf(in.readUTF());
        anchorId = in.readLong();
        lastU = in.readLong();
        resyncs = in.readLong();
        bids.read(in);
        asks.read(in);
    }
}
