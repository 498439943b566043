package io.soak.harvest.internal;

/** A raw message that is not a market message the harvester understands (counted, never thrown past the stage). */
final class MalformedMessageException extends Exception {

    MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
