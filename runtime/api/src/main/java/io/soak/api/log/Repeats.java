package io.soak.api.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one rule for repeated log lines (the launcher's Logback filter {@code RepeatCollapser} decides with it): the
 * first occurrence of a line (by source and template) in a window is shown, the following ones in the same window
 * are counted, and when the window closes (at a later occurrence of any line, or at {@link #sweep} with force) one
 * summary {@code <template> (repeated N more times in the last 60 s)} is due. A source producing many different
 * templates is capped at {@code distinctPerSource} per window; the rest count under one {@code overflow} line.
 * Thread-safe. It decides only: the caller logs.
 */
public final class Repeats {

    public static final long WINDOW_NANOS = 60_000_000_000L;
    public static final int DISTINCT_PER_SOURCE = 5;
    public static final int MAX_KEYS = 2048;

    /**
     * A summary to log now: the owner passed with the line (for example a logger and level), its text, how many lines
     * it stands for, the window, and how long ago the window began ({@code sinceNanos}: a summary can fall due long
     * after its window, at the next line of any kind or at the end of the run).
     */
    public record Due(Object owner, String template, long suppressed, long windowNanos, long sinceNanos) {
        /**
         * {@code <template with "…" for its arguments, cut at 120 chars> (repeated N more time(s) in the last S s)}
         * while the window is recent,
         * {@code … in a W s window that began T ago)} once it is older than two windows (live60 printed "in the last
         * 60 s" for lines 40 minutes old).
         */
        public String line() {
            // the lines of one template differ in their arguments: "…" where each went, not a raw "{}"
            String shown = template.replace("{}", "…");
            String text = shown.length() > 120 ? shown.substring(0, 119) + "…" : shown;
            String count = " (repeated " + suppressed + " more " + (suppressed == 1 ? "time" : "times");
            long since = Math.max(1, (sinceNanos + 999_999_999L) / 1_000_000_000L);
            if (sinceNanos <= 2 * windowNanos) {
                return text + count + " in the last " + since + " s)";
            }
            return text + count + " in a " + Math.max(1, windowNanos / 1_000_000_000L) + " s window that began "
                    + (since < 600 ? since + " s" : since / 60 + " min") + " ago)";
        }
    }

    private static final class Entry {
        final Object owner;
        final String template;
        long windowStart;
        long suppressed;

        Entry(Object owner, String template, long now) {
            this.owner = owner;
            this.template = template;
            this.windowStart = now;
        }
    }

    private final long windowNanos;
    private final int distinctPerSource;
    private final Map<String, Entry> entries;
    private final Map<String, long[]> distinct = new HashMap<>();
    private long lastSweep;

    public Repeats() {
        this(WINDOW_NANOS, DISTINCT_PER_SOURCE, MAX_KEYS);
    }

    public Repeats(long windowNanos, int distinctPerSource, int maxKeys) {
        this.windowNanos = windowNanos;
        this.distinctPerSource = distinctPerSource;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxKeys;
            }
        };
    }

    public long windowNanos() {
        return windowNanos;
    }

    /**
     * One occurrence of {@code template} from {@code source} at {@code now}; true when it is to be shown. Summaries
     * whose window closed are added to {@code due} (log them, then this line if shown). {@code overflow} is the text
     * of the line that counts a source's templates beyond the cap.
     */
    public synchronized boolean occurred(String source, Object owner, String template, String overflow, long now,
                                         List<Due> due) {
        due.addAll(sweep(now, false));
        String key = source + '\u0000' + template;
        Entry e = entries.get(key);
        if (e == null) {
            long[] d = distinct.computeIfAbsent(source, k -> new long[] {now, 0});
            if (now - d[0] >= windowNanos) {
                d[0] = now;
                d[1] = 0;
            }
            if (++d[1] > distinctPerSource) {
                e = entries.computeIfAbsent(source + "\u0000*", k -> new Entry(owner, overflow, now));
                e.suppressed++;
                return false;
            }
            entries.put(key, new Entry(owner, template, now));
            return true;
        }
        if (now - e.windowStart >= windowNanos) {
            if (e.suppressed > 0) {
                due.add(new Due(e.owner, e.template, e.suppressed, windowNanos, now - e.windowStart));
            }
            e.windowStart = now;
            e.suppressed = 0;
            return true;
        }
        e.suppressed++;
        return false;
    }

    /** The summaries whose window closed (every open one when {@code force}); at most once a second unless forced. */
    public synchronized List<Due> sweep(long now, boolean force) {
        List<Due> due = new ArrayList<>();
        if (!force && now - lastSweep < 1_000_000_000L) {
            return due;
        }
        lastSweep = now;
        for (Entry e : entries.values()) {
            if (e.suppressed > 0 && (force || now - e.windowStart >= windowNanos)) {
                due.add(new Due(e.owner, e.template, e.suppressed, windowNanos, now - e.windowStart));
                e.suppressed = 0;
                e.windowStart = now;
            }
        }
        return due;
    }

    /**
     * A failure streak of one target (a connection, an export target, a file): the first failure of a streak is
     * the one to warn about ({@link #failed} true), the following ones go to the debug log, and the first success
     * after a streak says how many failed ({@link #ended}). Thread-safe.
     */
    public static final class Streak {
        private long length;
        private long longest;

        /** A failure; true when it starts a streak (warn once). */
        public synchronized boolean failed() {
            length++;
            longest = Math.max(longest, length);
            return length == 1;
        }

        /** A success (or the end of what caused the failures): the length of the streak it ends, 0 when none. */
        public synchronized long ended() {
            long n = length;
            length = 0;
            return n;
        }

        /** Failures in a row so far. */
        public synchronized long length() {
            return length;
        }

        /** The longest streak seen. */
        public synchronized long longest() {
            return longest;
        }
    }
}
