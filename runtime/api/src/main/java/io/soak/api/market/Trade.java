package io.soak.api.market;

/**
 * A trade from {@code @aggTrade} ({@code tradeId} = aggregate id {@code a}) or {@code @trade}
 * ({@code tradeId} = {@code t}).
 *
 * @param buyerIsMaker the exchange's {@code m}; the taker bought when it is false
 */
public record Trade(String symbol, String stream, long tradeId, double price, double quantity,
                    boolean buyerIsMaker, long tradeTimeMs, long eventTimeMs, long receivedNanos)
        implements MarketEvent {

    /** True when the aggressor (taker) bought. */
    public boolean takerBuy() {
        return !buyerIsMaker;
    }
}
