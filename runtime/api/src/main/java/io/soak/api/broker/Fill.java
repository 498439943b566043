package io.soak.api.broker;

/**
 * A paper fill at the symbol's own book: best ask for a buy, best bid for a sell, plus slippage.
 *
 * @param quantity base quantity, positive
 * @param price    fill price including slippage
 * @param fee      taker fee in quote currency
 */
public record Fill(long orderId, long tsMs, String symbol, String side, double quantity, double price,
                   double fee, double bookPrice) {
}
