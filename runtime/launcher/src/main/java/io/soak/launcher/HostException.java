package io.soak.launcher;

/** The host could not start, or the bundles a plan needs did not come up (exit code 3). */
public class HostException extends Exception {

    public HostException(String message) {
        super(message);
    }

    public HostException(String message, Throwable cause) {
        super(message, cause);
    }
}
