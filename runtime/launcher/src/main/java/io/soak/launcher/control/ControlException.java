package io.soak.launcher.control;

/** A control request that could not be served: the one-line reason, as the operator should read it. */
public final class ControlException extends RuntimeException {

    public ControlException(String message) {
        super(message);
    }

    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
