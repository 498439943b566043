package io.soak.launcher;

/**
 * A failure the user can act on, with the exit code it maps to (2 invalid input, 3 runtime). Its message is
 * the one line printed; the cause chain is shown with {@code --verbose} only.
 */
public class UserException extends Exception {

    private final int exitCode;

    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
