package io.soak.launcher;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.soak.dsl.Secrets;

/**
 * The log layout's converters (config/logback.xml): every message and exception text passes through
 * {@link Secrets#mask}, so a URL's credentials never reach the console or a log file, from our code or a
 * library's; and the console shows an exception as one line unless {@code --verbose} (no stack traces).
 */
public final class LogMasking {

    private static volatile boolean verbose;

    private LogMasking() {
    }

    /** {@code --verbose}: the console shows stack traces. */
    static void verbose(boolean on) {
        verbose = on;
    }

    /** {@code %msg}: the formatted message, credentials masked. */
    public static final class Message extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Secrets.mask(event.getFormattedMessage());
        }
    }

    /** {@code %maskedEx}: the full stack trace, credentials masked (log files). */
    public static final class FullThrowable extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            return Secrets.mask(super.throwableProxyToString(tp));
        }
    }

    /**
     * {@code %quietEx}: without {@code --verbose}, an exception is appended to its message as
     * {@code  (IOException: reason; caused by ...)} on the same line; with it, the full masked stack trace.
     */
    public static final class QuietThrowable extends ThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            IThrowableProxy tp = event.getThrowableProxy();
            if (tp == null) {
                return "";
            }
            if (verbose) {
                return Secrets.mask(super.convert(event));
            }
            StringBuilder b = new StringBuilder(" (");
            int depth = 0;
            for (IThrowableProxy c = tp; c != null && depth < 3; c = c.getCause(), depth++) {
                if (depth > 0) {
                    b.append("; caused by ");
                }
                String name = c.getClassName();
                b.append(name.substring(name.lastIndexOf('.') + 1));
                String m = c.getMessage();
                if (m != null && !m.isBlank()) {
                    b.append(": ").append(m.lines().findFirst().orElse(m));
                }
            }
            String line = b.append(')').toString();
            return Secrets.mask(line.length() > 300 ? line.substring(0, 299) + "…)" : line);
        }
    }
}
