package io.soak.api.market;

/**
 * The top levels of a symbol's order book after an update: a partial book stream
 * ({@code @depth5/10/20@100ms}) as received, or the local book maintained from a diff stream
 * ({@code @depth@0ms|100ms}) after a snapshot and every in-sequence diff. Level 0 is the best price.
 * Arrays are never modified after construction; bids descend, asks ascend.
 *
 * @param updateId the exchange's final update id {@code u} of the update that produced this book
 */
public record BookDepth(String symbol, String stream, long updateId, double[] bidPrices, double[] bidQuantities,
                        double[] askPrices, double[] askQuantities, long eventTimeMs, long receivedNanos)
        implements MarketEvent {

    public int levels() {
        return Math.min(bidPrices.length, askPrices.length);
    }
}
