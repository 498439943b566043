package io.soak.api.market;

/** Best bid and ask from {@code @bookTicker}. Prices and quantities in quote/base units. */
public record BookTicker(String symbol, String stream, long updateId, double bidPrice, double bidQuantity,
                         double askPrice, double askQuantity, long transactionTimeMs, long eventTimeMs,
                         long receivedNanos) implements MarketEvent {

    public double mid() {
        return (bidPrice + askPrice) / 2.0;
    }
}
