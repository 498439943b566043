package io.soak.launcher;

/**
 * The plan names a stage, sink, exporter or source kind that no installed bundle provides (found as soon as the
 * host settled, without waiting for the bundle timeout). An invalid input: exit 2, with the installed kinds.
 */
public final class UnknownKindException extends HostException {

    public UnknownKindException(String message) {
        super(message);
    }
}
