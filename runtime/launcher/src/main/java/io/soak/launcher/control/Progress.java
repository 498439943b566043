package io.soak.launcher.control;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a run for the person or the log watching it: on a terminal one line rewritten every second
 * (engine and wall time, minute, msgs/s, decisions, health, alerts firing, exports ok/failed, reconnects);
 * without a terminal one log line per closed minute with the same figures.
 */
public final class Progress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    /** {@code auto}: a line on a terminal, else the log; {@code line}; {@code log}; {@code none}. */
    public enum Mode {
        AUTO, LINE, LOG, NONE;

        public static Mode parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--progress must be auto, line, log or none, got '" + s + "'");
            }
        }
    }

    private final RunConsole console;
    private final PrintWriter terminal;
    private final long wallStart = System.nanoTime();
    private final int plannedMinutes;
    private volatile boolean stop;
    private Thread thread;
    private int lastWidth;

    private Progress(RunConsole console, PrintWriter terminal, int plannedMinutes) {
        this.console = console;
        this.terminal = terminal;
        this.plannedMinutes = plannedMinutes;
    }

    /**
     * Starts reporting. {@code terminal} is where the live line goes (stderr of an interactive process).
     *
     * @param interactive whether a person watches a terminal ({@code System.console() != null})
     */
    public static Progress start(Mode mode, RunConsole console, PrintWriter terminal, boolean interactive,
                                 Duration planned) {
        Mode m = mode == Mode.AUTO ? (interactive ? Mode.LINE : Mode.LOG) : mode;
        Progress p = new Progress(console, terminal, planned == null ? 0 : (int) Math.max(1, planned.toMinutes()));
        if (m == Mode.LINE) {
            p.thread = new Thread(p::lineLoop, "soak-progress");
            p.thread.setDaemon(true);
            p.thread.start();
        } else if (m == Mode.LOG) {
            console.addMinuteListener(f -> LOG.info("progress: {}", p.text(f)));
        }
        return p;
    }

    /** The figures as one line. */
    public String text(RunConsole.Figures f) {
        long wall = (System.nanoTime() - wallStart) / 1_000_000_000L;
        String engine = f.engineMs() == 0 ? "--:--:--" : Instant.ofEpochMilli(f.engineMs()).toString().substring(11, 19);
        long strongPct = f.confirmed() == 0 ? 0 : Math.round(100.0 * f.strong() / f.confirmed());
        return String.format(Locale.ROOT,
                "engine %s wall %dm%02ds | minute %d/%d | %,.0f msg/s | decisions %,d (strong %d%%) | %s | alerts %d firing"
                        + " | exports %d ok %d failed | reconnects %d | restarts %d | e2e %s",
                engine, wall / 60, wall % 60, f.minute(), plannedMinutes, f.msgsPerSec(), f.decisions(), strongPct,
                f.health(), f.alertsFiring().size(), f.exportsOk(), f.exportsFailed(), f.reconnects(), f.restarts(),
                f.latency());
    }

    private void lineLoop() {
        while (!stop) {
            String t = text(console.figures());
            synchronized (terminal) {
                terminal.print("\r" + t + " ".repeat(Math.max(0, lastWidth - t.length())));
                terminal.flush();
            }
            lastWidth = t.length();
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
    }

    @Override
    public void close() {
        stop = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (terminal) {
                terminal.print("\r" + " ".repeat(lastWidth) + "\r");
                terminal.flush();
            }
        }
    }
}
