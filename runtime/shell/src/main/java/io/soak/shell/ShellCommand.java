package io.soak.shell;

import io.soak.launcher.Launcher;
import io.soak.launcher.SoakCommand;
import io.soak.launcher.UserException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak shell}: the operator's console. Interactive on a terminal (JLine: completion from live data,
 * history in {@code ~/.soak_history}, {@code help <command>}); {@code -c "cmd; cmd"} or a script file for
 * non-interactive use. {@code --attach <run_id|dir>} connects to a run of another process over its loopback
 * control channel with the run's token.
 */
@Command(name = "shell", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The operator's console: run, watch, inject faults, swap bundles, stop; attach to a running soak.")
public final class ShellCommand implements Callable<Integer> {

    @ParentCommand
    SoakCommand root;

    @Option(names = "-c", paramLabel = "<commands>", description = "Run these commands (separated by ';') and exit.")
    String commands;

    @Option(names = "--attach", paramLabel = "<run_id|dir>", description = "Attach to a running soak (its run directory or id).")
    String attach;

    @Option(names = "--runs-dir", paramLabel = "<dir>", defaultValue = "runs", description = "Where run directories are (default ./runs).")
    Path runsDir;

    @Option(names = "--token-file", paramLabel = "<file>",
            description = "Read the run's token from this file (default: <run_dir>/control.token).")
    Path tokenFile;

    @Option(names = "--history", paramLabel = "<file>", description = "History file (default ~/.soak_history).")
    Path history;

    @Parameters(arity = "0..1", paramLabel = "<script>", description = "A file of shell commands, one per line ('#' comments).")
    Path script;

    @Override
    public Integer call() throws Exception {
        Launcher launcher = root.launcher();
        Path hist = history != null ? history : Path.of(System.getProperty("user.home"), ".soak_history");
        try (Shell shell = new Shell(launcher, runsDir, hist, root.verbose())) {
            if (attach != null) {
                String token = null;
                if (tokenFile != null) {
                    try {
                        token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
                    } catch (IOException e) {
                        throw new UserException(Launcher.INVALID, "cannot read the token file " + tokenFile + ": " + e.getMessage());
                    }
                }
                if (!shell.attach(attach, token)) {
                    return Launcher.RUNTIME_FAILURE;
                }
            }
            if (commands != null) {
                return shell.runLines(Shell.splitCommands(commands));
            }
            if (script != null) {
                if (!Files.isRegularFile(script)) {
                    throw new UserException(Launcher.INVALID, "no such script: " + script);
                }
                return shell.runLines(Files.readAllLines(script, StandardCharsets.UTF_8));
            }
            return shell.interactive();
        }
    }

    static List<String> lines(String s) {
        return Shell.splitCommands(s);
    }
}
