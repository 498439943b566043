package io.soak.harvest.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-substream freshness (the LIVE strict window): a substream is one symbol's stream
 * ({@code btcusdt@aggTrade}); trade streams may be silent for {@code tradesLimitNanos}, book streams for
 * {@code bookLimitNanos}. {@link #check} reports each silence once when it passes its limit (a substream that
 * resumes and falls silent again is reported again). Times are engine-clock nanoseconds; message times are
 * the local receive times. Pure state, driven by the stage's timer.
 */
final class SubstreamMonitor {

    /** One detected silence, as written to {@code substream_timeouts}. */
    record Timeout(String substream, String detectedAt, String lastSeen, long silentForMs, long limitMs) {
    }

    private static final class Entry {
        final long limitNanos;
        long lastSeen;
        boolean reported;

        Entry(long limitNanos, long lastSeen) {
            this.limitNanos = limitNanos;
            this.lastSeen = lastSeen;
        }
    }

    private final long tradesLimitNanos;
    private final long bookLimitNanos;
    private final Map<String, Entry> entries = new TreeMap<>();

    SubstreamMonitor(long tradesLimitNanos, long bookLimitNanos) {
        this.tradesLimitNanos = tradesLimitNanos;
        this.bookLimitNanos = bookLimitNanos;
    }

    /** Declares a subscribed substream before its first message (its silence counts from {@code sinceNanos}). */
    void expect(StreamInfo stream, long sinceNanos) {
        long limit = limitOf(stream);
        if (limit > 0) {
            entries.putIfAbsent(stream.name, new Entry(limit, sinceNanos));
        }
    }

    void observe(StreamInfo stream, long receivedNanos) {
        Entry e = entries.get(stream.name);
        if (e == null) {
            long limit = limitOf(stream);
            if (limit <= 0) {
                return;
            }
            e = new Entry(limit, receivedNanos);
            entries.put(stream.name, e);
        }
        if (receivedNanos > e.lastSeen) {
            e.lastSeen = receivedNanos;
        }
        e.reported = false;
    }

    private long limitOf(StreamInfo s) {
        return s.kind.trades() ? tradesLimitNanos : s.kind.book() ? bookLimitNanos : 0;
    }

    /** Newly detected silences at engine time {@code nowNanos}. */
    List<Timeout> check(long nowNanos) {
        List<Timeout> found = new ArrayList<>();
        entries.forEach((name, e) -> {
            long silent = nowNanos - e.lastSeen;
            if (!e.reported && silent > e.limitNanos) {
                e.reported = true;
                found.add(new Timeout(name, iso(nowNanos), iso(e.lastSeen), silent / 1_000_000, e.limitNanos / 1_000_000));
            }
        });
        return found;
    }

    /** Substreams silent beyond their limit now, with their silence in ms. */
    Map<String, Long> stale(long nowNanos) {
        Map<String, Long> out = new LinkedHashMap<>();
        entries.forEach((name, e) -> {
            long silent = nowNanos - e.lastSeen;
            if (silent > e.limitNanos) {
                out.put(name, silent / 1_000_000);
            }
        });
        return out;
    }

    int size() {
        return entries.size();
    }

    /** Age in ms of the newest message of every substream. */
    Map<String, Long> ages(long nowNanos) {
        Map<String, Long> out = new TreeMap<>();
        entries.forEach((name, e) -> out.put(name, Math.max(0, nowNanos - e.lastSeen) / 1_000_000));
        return out;
    }

    static String iso(long nanos) {
        return Instant.ofEpochSecond(0, nanos).toString();
    }
}
