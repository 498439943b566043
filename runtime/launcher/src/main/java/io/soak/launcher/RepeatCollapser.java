package io.soak.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.soak.api.log.Repeats;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;

/**
 * Collapses repeated warnings and errors (config/logback.xml): the first occurrence of a message (by logger and
 * message template) in a window is logged, the following ones in the same window are counted, and one line
 * {@code <template> (repeated N more times in the last 60 s)} is logged when the window closes (at the next
 * log event, or when the run's log is closed). A logger that produces many different texts (a library logging
 * each failure with its own details, such as the InfluxDB client during an outage) is capped at
 * {@value #DISTINCT_PER_LOGGER} distinct lines per window. Debug and info lines pass untouched. The rule is the api's
 * {@link Repeats} (the bundles and the host's failure streaks use the same class); this is its Logback glue.
 */
public final class RepeatCollapser extends TurboFilter {

    static final long WINDOW_NANOS = Repeats.WINDOW_NANOS;
    static final int DISTINCT_PER_LOGGER = Repeats.DISTINCT_PER_SOURCE;

    /** Who logs a summary line. */
    private record Owner(Logger logger, Level level) {
    }

    private static final ThreadLocal<Boolean> EMITTING = ThreadLocal.withInitial(() -> false);
    private static volatile RepeatCollapser current;

    /** The rule itself lives in the api ({@link Repeats}), shared with the bundles and the host's failure streaks. */
    private volatile Repeats repeats = new Repeats();

    @Override
    public void start() {
        current = this;
        super.start();
    }

    /** For tests: a shorter window. */
    void windowNanos(long n) {
        this.repeats = new Repeats(n, Repeats.DISTINCT_PER_SOURCE, Repeats.MAX_KEYS);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.WARN) || EMITTING.get() || !isStarted()) {
            return FilterReply.NEUTRAL;
        }
        List<Repeats.Due> due = new ArrayList<>();
        boolean show = repeats.occurred(logger.getName() + '\u0000' + level, new Owner(logger, level),
                format == null ? "" : format, "further " + level.toString().toLowerCase() + "s from " + logger.getName(),
                System.nanoTime(), due);
        emit(due);
        return show ? FilterReply.NEUTRAL : FilterReply.DENY;
    }

    private void emit(List<Repeats.Due> due) {
        if (due.isEmpty()) {
            return;
        }
        EMITTING.set(true);
        try {
            for (Repeats.Due d : due) {
                Owner o = (Owner) d.owner();
                if (o.level().isGreaterOrEqual(Level.ERROR)) {
                    o.logger().error(d.line());
                } else {
                    o.logger().warn(d.line());
                }
            }
        } finally {
            EMITTING.set(false);
        }
    }

    /** Logs the counts of every open window now (when a run's log closes). */
    public void flush() {
        emit(repeats.sweep(System.nanoTime(), true));
    }

    /** Flushes the collapser of the logging configuration, if one is installed. */
    static void flushCurrent() {
        RepeatCollapser c = current;
        if (c != null) {
            c.flush();
        }
    }
}
