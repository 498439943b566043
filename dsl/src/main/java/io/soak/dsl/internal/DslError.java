package io.soak.dsl.internal;

/**
 * A scenario error raised while the script runs or while its plan is built. The loader turns it into a
 * {@link io.soak.dsl.ScenarioException}; the line is taken from this error's stack (the script frame that
 * called the setting) unless an explicit line is given (checks made after evaluation).
 */
public final class DslError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int line;

    public DslError(String message) {
        this(0, message);
    }

    public DslError(int line, String message) {
        super(message);
        this.line = line;
    }

    /** Explicit script line, 0 when it must be taken from the stack. */
    public int line() {
        return line;
    }
}
