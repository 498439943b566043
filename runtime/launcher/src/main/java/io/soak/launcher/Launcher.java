package io.soak.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * Builds the command line and maps outcomes to exit codes: 0 pass, 1 a criterion failed, 2 invalid scenario
 * or command line, 3 runtime failure. Errors are one line; {@code --verbose} adds the cause chain. Tests use
 * {@link #execute} in-process; only {@link Main} exits the JVM and installs the signal handling.
 */
public final class Launcher {

    public static final int PASS = 0;
    public static final int CRITERION_FAILED = 1;
    public static final int INVALID = 2;
    public static final int RUNTIME_FAILURE = 3;

    private final Path home;
    private final Map<String, String> env;
    private final boolean handleSignals;
    private PrintWriter out;
    private PrintWriter err;

    /**
     * @param home          the distribution's home ({@code lib/felix}, {@code bundles}, {@code hot}, {@code config})
     * @param env           the environment (run-contract variables)
     * @param handleSignals install the SIGINT/SIGTERM hook (only the real process does)
     */
    public Launcher(Path home, Map<String, String> env, boolean handleSignals) {
        this.home = home;
        this.env = Map.copyOf(env);
        this.handleSignals = handleSignals;
    }

    public Path home() {
        return home;
    }

    public Map<String, String> env() {
        return env;
    }

    boolean handleSignals() {
        return handleSignals;
    }

    /** Where a command prints for people and scripts (stdout). */
    public PrintWriter out() {
        return out;
    }

    /** Where a command prints errors (stderr). */
    public PrintWriter err() {
        return err;
    }

    /** Runs one command line and returns its exit code. */
    public int execute(PrintWriter out, PrintWriter err, String... args) {
        this.out = out;
        this.err = err;
        SoakCommand root = new SoakCommand(this);
        CommandLine cmd = new CommandLine(root, new Factory());
        for (SubcommandProvider p : java.util.ServiceLoader.load(SubcommandProvider.class, Launcher.class.getClassLoader())) {
            cmd.addSubcommand(p.name(), p.create());
        }
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, a) -> {
            String sub = ex.getCommandLine().getCommandName();
            err.println("soak: " + ex.getMessage() + " (see 'soak " + (sub.equals("soak") ? "" : sub + " ") + "--help')");
            err.flush();
            return INVALID;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            report(ex, root.verbose);
            return exitCode(ex);
        });
        int code;
        try {
            code = cmd.execute(args);
        } catch (RuntimeException | LinkageError e) {
            // picocli lets Errors through; the JVM would exit 1 ("criterion failed") on an uncaught one
            report(e, root.verbose);
            code = RUNTIME_FAILURE;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Prints a failure as one line (the scenario's own {@code (file, line N)} line as it is). */
    void report(Throwable ex, boolean verbose) {
        if (isScenarioError(ex)) {
            err.println(io.soak.dsl.Secrets.mask(ex.getMessage()));
        } else {
            err.println(io.soak.dsl.Secrets.mask("soak: " + oneLine(ex)));
        }
        if (verbose) {
            for (Throwable c = ex.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                err.println(io.soak.dsl.Secrets.mask("  caused by: " + c));
            }
            java.io.StringWriter trace = new java.io.StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(io.soak.dsl.Secrets.mask(trace.toString()));
        }
        err.flush();
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof UserException u) {
            return u.exitCode();
        }
        if (isScenarioError(ex)) {
            return INVALID;
        }
        if (ex instanceof UnknownKindException) {
            return INVALID;
        }
        return RUNTIME_FAILURE;
    }

    static boolean isScenarioError(Throwable ex) {
        return ex instanceof io.soak.dsl.ScenarioException;
    }

    static String oneLine(Throwable ex) {
        // a file-system failure anywhere in the chain names its path and reason ("permission denied" alone does not)
        for (Throwable c = ex; c != null && c != c.getCause(); c = c.getCause()) {
            if (c instanceof java.nio.file.FileSystemException f) {
                String m = ex.getMessage() == null ? "" : ex.getMessage().lines().findFirst().orElse("");
                String what = FileErrors.describe(f);
                return m.contains(what) ? m : (m.isBlank() || c == ex ? what : m + ": " + what);
            }
        }
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            return ex.getClass().getSimpleName();
        }
        return m.lines().findFirst().orElse(m);
    }

    /** Gives subcommands their launcher. */
    private final class Factory implements CommandLine.IFactory {
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == SoakCommand.class) {
                return type.cast(new SoakCommand(Launcher.this));
            }
            return fallback.create(type);
        }
    }
}
