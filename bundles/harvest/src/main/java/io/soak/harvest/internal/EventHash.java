package io.soak.harvest.internal;

import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.MarketEvent;
import io.soak.api.market.Trade;

/**
 * A running 64-bit hash of the market events emitted, over everything but the local receive time, so a live
 * run from the emulator and a replay of the same capture can be compared event for event (fact
 * {@code market_event_hash}). Order-sensitive; a few multiplications per event.
 */
final class EventHash {

    private long h = 0x9E3779B97F4A7C15L;
    private long count;

    void add(MarketEvent e) {
        count++;
        mix(e.symbol().hashCode());
        mix(e.stream().hashCode());
        mix(e.eventTimeMs());
        if (e instanceof Trade t) {
            mix(1);
            mix(t.tradeId());
            mix(Double.doubleToLongBits(t.price()));
            mix(Double.doubleToLongBits(t.quantity()));
            mix(t.buyerIsMaker() ? 1 : 0);
            mix(t.tradeTimeMs());
        } else if (e instanceof BookTicker b) {
            mix(2);
            mix(b.updateId());
            mix(Double.doubleToLongBits(b.bidPrice()));
            mix(Double.doubleToLongBits(b.bidQuantity()));
            mix(Double.doubleToLongBits(b.askPrice()));
            mix(Double.doubleToLongBits(b.askQuantity()));
        } else if (e instanceof BookDepth d) {
            mix(3);
            mix(d.updateId());
            for (double[] side : new double[][] {d.bidPrices(), d.bidQuantities(), d.askPrices(), d.askQuantities()}) {
                mix(side.length);
                for (double v : side) {
                    mix(Double.doubleToLongBits(v));
                }
            }
        }
    }

    private void mix(long v) {
        h = Long.rotateLeft(h ^ (v * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
    }

    long count() {
        return count;
    }

    String hex() {
        return String.format("%016x", h);
    }
}
