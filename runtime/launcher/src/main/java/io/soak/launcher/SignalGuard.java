package io.soak.launcher;

import io.soak.engine.SoakRun;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT/SIGTERM into a graceful stop: the JVM's shutdown hook asks the run to stop, waits until the
 * launcher has the outcome (manifest written, host closed) and then halts with the run's own exit code, so
 * a signalled run still exits 0/1/3 instead of 130/143. Only the real process installs it.
 */
final class SignalGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SignalGuard.class);
    private static volatile boolean shuttingDown;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Duration grace;
    private final Thread hook;
    private volatile SoakRun run;
    private volatile int exitCode = Launcher.RUNTIME_FAILURE;

    SignalGuard(Duration grace) {
        this.grace = grace;
        this.hook = new Thread(this::onSignal, "soak-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once a signal (or System.exit elsewhere) started the JVM's shutdown. */
    static boolean shuttingDown() {
        return shuttingDown;
    }

    void attach(SoakRun r) {
        this.run = r;
    }

    /** The launcher is done (outcome printed, host closed): the hook may halt now. */
    void finish(int code) {
        this.exitCode = code;
        finished.countDown();
    }

    @Override
    public void close() {
        if (!shuttingDown) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutdown already in progress: the hook runs and halts
            }
        }
    }

    private void onSignal() {
        shuttingDown = true;
        SoakRun r = run;
        if (r == null) {
            return;
        }
        LOG.info("stop requested by signal: stopping the run gracefully");
        r.requestStop("signal");
        try {
            if (finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                RunLog.stop();
                Runtime.getRuntime().halt(exitCode);
            } else {
                LOG.error("the run did not finish within {} s of the stop request", grace.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
