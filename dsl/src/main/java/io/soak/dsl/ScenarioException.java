package io.soak.dsl;

/**
 * A scenario that cannot become a plan: a compile error, an unknown setting, a bad value. The message is one
 * line a user can act on: {@code (file.groovy, line N) message}, or {@code (file.groovy) message} when no line
 * applies (for example {@code (<flags>) --minutes must be > 0, got 0} for the implicit scenario).
 */
public final class ScenarioException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String detail;

    public ScenarioException(String file, int line, String detail) {
        this(file, line, detail, null);
    }

    public ScenarioException(String file, int line, String detail, Throwable cause) {
        super(format(file, line, detail), cause);
        this.file = file;
        this.line = Math.max(0, line);
        this.detail = oneLine(detail);
    }

    /** The longest message printed; longer details are cut with an ellipsis (one line, ~200 characters). */
    public static final int MAX_LENGTH = 200;

    private static String format(String file, int line, String detail) {
        String head = line > 0 ? "(" + file + ", line " + line + ") " : "(" + file + ") ";
        String body = oneLine(detail);
        String all = head + body;
        return all.length() <= MAX_LENGTH ? all : all.substring(0, MAX_LENGTH - 1) + "…";
    }

    /** The text on one line, credentials masked. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return Secrets.mask(s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " "));
    }

    /** The script's file name as shown in the message ({@code <flags>} for the implicit scenario). */
    public String file() {
        return file;
    }

    /** The script line (1-based), or 0 when the error has no single line. */
    public int line() {
        return line;
    }

    /** The message without the {@code (file, line N)} prefix. */
    public String detail() {
        return detail;
    }
}
