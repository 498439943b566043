package io.soak.harvest.internal;

/**
 * A raw message that is not a market message the harvester understands (counted, never thrown past the
 * stage). Its {@link #reason()} is the counter key: {@code invalid_json}, {@code not_envelope},
 * {@code wrong_type}, {@code missing_field}, {@code non_finite}, {@code non_positive_price},
 * {@code negative_quantity}, {@code time_out_of_range}.
 */
final class MalformedMessageException extends Exception {

    private final String reason;

    MalformedMessageException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
