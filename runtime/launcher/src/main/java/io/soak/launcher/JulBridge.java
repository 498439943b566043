package io.soak.launcher;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes java.util.logging (FileInstall logs through it) to SLF4J, replacing the JDK's two-line stderr
 * format, so every host diagnostic goes through Logback. Installed once per JVM by the host.
 */
final class JulBridge extends Handler {

    private static volatile boolean installed;

    static synchronized void install() {
        if (installed) {
            return;
        }
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new JulBridge());
        installed = true;
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null) {
            return;
        }
        Logger log = LoggerFactory.getLogger(r.getLoggerName() == null ? "jul" : r.getLoggerName());
        String msg = r.getMessage();
        if (r.getParameters() != null && r.getParameters().length > 0 && msg != null) {
            msg = java.text.MessageFormat.format(msg, r.getParameters());
        }
        int level = r.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            log.error(msg, r.getThrown());
        } else if (level >= Level.WARNING.intValue()) {
            log.warn(msg, r.getThrown());
        } else if (level >= Level.INFO.intValue()) {
            log.info(msg, r.getThrown());
        } else {
            log.debug(msg, r.getThrown());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
