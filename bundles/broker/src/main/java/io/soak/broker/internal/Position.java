package io.soak.broker.internal;

/**
 * One symbol's paper position with average-cost accounting: adding to a position moves the average price,
 * reducing it realises (price - average) x closed quantity, crossing through zero opens the remainder at the
 * fill price. Fees are kept apart from realised PnL (realised is gross of fees). Unrealised is marked to mid.
 */
final class Position {

    double quantity; // signed base quantity
    double averagePrice;
    double realised;
    double fees;
    double mark; // last mid of the symbol's own book (0 = none yet)
    double minBookPrice = Double.NaN; // range of the book prices this symbol's fills used (evidence only)
    double maxBookPrice = Double.NaN;

    void sawBookPrice(double p) {
        minBookPrice = Double.isNaN(minBookPrice) ? p : Math.min(minBookPrice, p);
        maxBookPrice = Double.isNaN(maxBookPrice) ? p : Math.max(maxBookPrice, p);
    }

    /** Applies a fill of {@code signedQty} (positive buys) at {@code price} with {@code fee}. */
    void apply(double signedQty, double price, double fee) {
        fees += fee;
        if (quantity == 0 || Math.signum(quantity) == Math.signum(signedQty)) {
            double total = quantity + signedQty;
            averagePrice = (quantity * averagePrice + signedQty * price) / total;
            quantity = total;
            return;
        }
        double closing = Math.min(Math.abs(signedQty), Math.abs(quantity));
        realised += closing * (price - averagePrice) * Math.signum(quantity);
        double remaining = quantity + signedQty;
        if (Math.abs(signedQty) > Math.abs(quantity)) {
            averagePrice = price; // flipped: the remainder opens at this fill
        } else if (Math.abs(signedQty) == Math.abs(quantity)) {
            averagePrice = 0;
            remaining = 0;
        }
        quantity = remaining;
    }

    double unrealised() {
        return quantity == 0 || mark == 0 ? 0.0 : quantity * (mark - averagePrice);
    }
}
