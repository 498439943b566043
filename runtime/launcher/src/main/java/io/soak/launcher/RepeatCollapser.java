package io.soak.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;

/**
 * Collapses repeated warnings and errors (config/logback.xml): the first occurrence of a message (by logger and
 * message template) in a window is logged, the following ones in the same window are counted, and one line
 * {@code <template> (repeated N more times in the last 60 s)} is logged when the window closes (at the next
 * log event, or when the run's log is closed). A logger that produces many different texts (a library logging
 * each failure with its own details, such as the InfluxDB client during an outage) is capped at
 * {@value #DISTINCT_PER_LOGGER} distinct lines per window. Debug and info lines pass untouched.
 */
public final class RepeatCollapser extends TurboFilter {

    static final long WINDOW_NANOS = 60_000_000_000L;
    static final int DISTINCT_PER_LOGGER = 5;
    private static final int MAX_KEYS = 2048;

    private static final class Entry {
        final Logger logger;
        final Level level;
        final String template;
        long windowStart;
        long suppressed;

        Entry(Logger logger, Level level, String template, long now) {
            this.logger = logger;
            this.level = level;
            this.template = template;
            this.windowStart = now;
        }
    }

    private static final ThreadLocal<Boolean> EMITTING = ThreadLocal.withInitial(() -> false);
    private static volatile RepeatCollapser current;

    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_KEYS;
        }
    };
    private final Map<String, long[]> distinct = new java.util.HashMap<>();
    private long lastSweep;
    private long windowNanos = WINDOW_NANOS;

    @Override
    public void start() {
        current = this;
        super.start();
    }

    /** For tests: a shorter window. */
    void windowNanos(long n) {
        this.windowNanos = n;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || !level.isGreaterOrEqual(Level.WARN) || EMITTING.get() || !isStarted()) {
            return FilterReply.NEUTRAL;
        }
        long now = System.nanoTime();
        List<Entry> due;
        FilterReply reply;
        synchronized (this) {
            due = sweep(now, false);
            String template = format == null ? "" : format;
            String key = logger.getName() + '\u0000' + level + '\u0000' + template;
            Entry e = entries.get(key);
            if (e == null) {
                long[] d = distinct.computeIfAbsent(logger.getName() + '\u0000' + level, k -> new long[] {now, 0});
                if (now - d[0] >= windowNanos) {
                    d[0] = now;
                    d[1] = 0;
                }
                if (++d[1] > DISTINCT_PER_LOGGER) {
                    key = logger.getName() + '\u0000' + level + "\u0000*";
                    e = entries.get(key);
                    if (e == null) {
                        e = new Entry(logger, level, "further " + level.toString().toLowerCase() + "s from " + logger.getName(), now);
                        entries.put(key, e);
                    }
                    e.suppressed++;
                    reply = FilterReply.DENY;
                } else {
                    entries.put(key, new Entry(logger, level, template, now));
                    reply = FilterReply.NEUTRAL;
                }
            } else if (now - e.windowStart >= windowNanos) {
                if (e.suppressed > 0) {
                    due.add(snapshot(e));
                }
                e.windowStart = now;
                e.suppressed = 0;
                reply = FilterReply.NEUTRAL;
            } else {
                e.suppressed++;
                reply = FilterReply.DENY;
            }
        }
        emit(due);
        return reply;
    }

    private static Entry snapshot(Entry e) {
        Entry s = new Entry(e.logger, e.level, e.template, e.windowStart);
        s.suppressed = e.suppressed;
        return s;
    }

    /** Entries whose window closed with suppressed repeats (their counts reset); at most once a second unless forced. */
    private List<Entry> sweep(long now, boolean force) {
        List<Entry> due = new ArrayList<>();
        if (!force && now - lastSweep < 1_000_000_000L) {
            return due;
        }
        lastSweep = now;
        for (Entry e : entries.values()) {
            if (e.suppressed > 0 && (force || now - e.windowStart >= windowNanos)) {
                due.add(snapshot(e));
                e.suppressed = 0;
                e.windowStart = now;
            }
        }
        return due;
    }

    private void emit(List<Entry> due) {
        if (due.isEmpty()) {
            return;
        }
        EMITTING.set(true);
        try {
            for (Entry e : due) {
                String text = e.template.length() > 120 ? e.template.substring(0, 119) + "…" : e.template;
                String msg = text + " (repeated " + e.suppressed + " more " + (e.suppressed == 1 ? "time" : "times")
                        + " in the last " + Math.max(1, windowNanos / 1_000_000_000L) + " s)";
                if (e.level.isGreaterOrEqual(Level.ERROR)) {
                    e.logger.error(msg);
                } else {
                    e.logger.warn(msg);
                }
            }
        } finally {
            EMITTING.set(false);
        }
    }

    /** Logs the counts of every open window now (when a run's log closes). */
    public void flush() {
        List<Entry> due;
        synchronized (this) {
            due = sweep(System.nanoTime(), true);
        }
        emit(due);
    }

    /** Flushes the collapser of the logging configuration, if one is installed. */
    static void flushCurrent() {
        RepeatCollapser c = current;
        if (c != null) {
            c.flush();
        }
    }
}
