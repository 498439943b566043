package io.soak.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging of a run beyond config/logback.xml: a copy of the log in {@code runs/<id>/logs/soak.log} (the run
 * directory is only known once the command line is parsed) and debug level for {@code --verbose}. Does
 * nothing when Logback is not the SLF4J binding.
 */
final class RunLog {

    private static final String APPENDER = "soak-run-file";

    private RunLog() {
    }

    static void verbose(boolean on) {
        LogMasking.verbose(on);
        if (on && LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("io.soak").setLevel(Level.DEBUG);
        }
    }

    /** Starts writing the log to {@code logFile} as well. */
    static void attach(Path logFile) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        detach();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%thread] %logger{36} - %msg%n%maskedEx");
        enc.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setName(APPENDER);
        file.setContext(ctx);
        file.setFile(logFile.toAbsolutePath().toString());
        file.setAppend(true);
        file.setEncoder(enc);
        file.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file);
    }

    static void detach() {
        RepeatCollapser.flushCurrent();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
            var a = root.getAppender(APPENDER);
            if (a != null) {
                root.detachAppender(a);
                a.stop();
            }
        }
    }

    /** Flushes and stops logging (before a halt). */
    static void stop() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.stop();
        }
    }
}
