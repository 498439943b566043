package io.soak.itests.shell;

import io.soak.launcher.Launcher;
import io.soak.shell.Shell;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A {@code soak shell} on a real JLine terminal of type {@code dumb} over piped streams: the test types lines
 * into its input and reads what the shell printed, as a person at a terminal would.
 */
final class ScriptedTerminal implements AutoCloseable {

    private final PipedOutputStream keyboard = new PipedOutputStream();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final Terminal terminal;
    final Shell shell;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    ScriptedTerminal(Path home, Path runsDir, Path history) throws IOException {
        PipedInputStream in = new PipedInputStream(keyboard, 64 * 1024);
        terminal = TerminalBuilder.builder().system(false).streams(in, new PrintStream(screen, true, StandardCharsets.UTF_8))
                .type(Terminal.TYPE_DUMB).encoding(StandardCharsets.UTF_8).build();
        shell = new Shell(new Launcher(home, java.util.Map.of(), false), runsDir, history, false);
    }

    /** Starts the read-eval loop on its own thread. */
    ScriptedTerminal start() {
        Thread t = new Thread(() -> {
            try {
                exit.complete(shell.interactive(terminal));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        }, "scripted-shell");
        t.setDaemon(true);
        t.start();
        return this;
    }

    /** Types one line (and Enter). */
    void type(String line) throws IOException {
        keyboard.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    /** Everything the shell printed so far. */
    String screen() {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        keyboard.close();
        terminal.close();
    }
}
