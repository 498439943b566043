package io.soak.itests.shell;

import io.soak.launcher.Launcher;
import io.soak.shell.Shell;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

    private final Keyboard keyboard = new Keyboard();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final Terminal terminal;
    final Shell shell;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    ScriptedTerminal(Path home, Path runsDir, Path history) throws IOException {
        InputStream in = keyboard;
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
        keyboard.type((line + "\n").getBytes(StandardCharsets.UTF_8));
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

    /**
     * The keyboard: bytes typed wait here until the terminal reads them. Not a {@code PipedInputStream}: that one
     * refuses a write ("Read end dead") once the last thread that read from it has ended, and JLine's dumb terminal
     * reads from short-lived threads (ShellOperatorIT failed so under load).
     */
    private static final class Keyboard extends InputStream {
        private final java.util.ArrayDeque<Byte> typed = new java.util.ArrayDeque<>();
        private boolean closed;

        synchronized void type(byte[] bytes) {
            for (byte b : bytes) {
                typed.add(b);
            }
            notifyAll();
        }

        @Override
        public synchronized int read() throws IOException {
            while (typed.isEmpty() && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
            return typed.isEmpty() ? -1 : typed.poll() & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int first = read();
            if (first < 0) {
                return -1;
            }
            b[off] = (byte) first;
            int n = 1;
            while (n < len && !typed.isEmpty()) {
                b[off + n++] = typed.poll();
            }
            return n;
        }

        @Override
        public synchronized int available() {
            return typed.size();
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }
    }
}
