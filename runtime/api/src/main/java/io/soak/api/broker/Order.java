package io.soak.api.broker;

/**
 * A paper order intent and its outcome. Every intent has an outcome: {@code filled} or {@code rejected}
 * (with a reason).
 *
 * @param orderId      run-unique, assigned by the broker, increasing
 * @param decisionSeq  seq of the decision that caused it
 * @param side         {@code buy} or {@code sell}
 * @param notional     quote notional asked for (USDT)
 * @param status       {@code filled} or {@code rejected}
 * @param reason       empty when filled
 */
public record Order(long orderId, long tsMs, String symbol, String side, double notional, String signalType,
                    long decisionSeq, String status, String reason) {
}
