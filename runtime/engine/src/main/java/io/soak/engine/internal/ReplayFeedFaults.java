package io.soak.engine.internal;

import io.soak.api.plan.Fault;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.stage.StageMetrics;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code feed-*} faults of a replay run (no emulator), carried out on the replay feed in engine time: the
 * feed emulator does the same to its WebSocket clients in wall time. Windows are in receive time (the engine
 * clock of a replay) and start with the next message read (the driver has always read one ahead):
 * <ul>
 * <li>{@code feed-drop}: the connection is down for {@code duration} (zero: 1 s, a reconnect): every message
 * received in the window is lost ({@code feed_faults.dropped});</li>
 * <li>{@code feed-stall} (target: a stream, empty = every stream): that stream's messages in the window are
 * not sent ({@code feed_faults.stalled}; zero duration: 60 s, as the emulator);</li>
 * <li>{@code feed-latency} ({@code ms}, default 500): every message in the window arrives {@code ms} later, in
 * order ({@code feed_faults.delayed});</li>
 * <li>{@code feed-corrupt} ({@code count}, default 1): the next messages arrive truncated, malformed JSON
 * ({@code feed_faults.corrupted});</li>
 * <li>{@code feed-gap} (target: a depth stream; {@code count}, default 1): the next updates of that stream are
 * skipped ({@code feed_faults.skipped}); the client sees the update-id gap. Unlike the emulator, a replay has no
 * book of its own to send a fresh snapshot from.</li>
 * </ul>
 * Counters go to the {@code source} metrics ({@code harvester_metrics.feed_faults.*} in the manifest). Thread-safe:
 * the feed is read by the driver or the feeder thread, faults arrive on the control thread.
 */
final class ReplayFeedFaults implements ReplayFeed {

    private static final long DEFAULT_DROP_NANOS = 1_000_000_000L;
    private static final long DEFAULT_WINDOW_NANOS = 60_000_000_000L;

    private final ReplayFeed feed;
    private final StageMetrics metrics;
    private long dropFrom = Long.MAX_VALUE;
    private long dropUntil = Long.MIN_VALUE;
    private final Map<String, long[]> stalls = new HashMap<>();
    private long latencyFrom = Long.MAX_VALUE;
    private long latencyUntil = Long.MIN_VALUE;
    private long latencyNanos;
    private int corruptRemaining;
    private final Map<String, Integer> gapRemaining = new HashMap<>();
    /** The last receive time handed out: latency never reorders. */
    private long lastOut = Long.MIN_VALUE;
    /** False until the first fault: until then {@link #next} is a plain pass-through (the hot path takes no lock). */
    private volatile boolean armed;

    ReplayFeedFaults(ReplayFeed feed, StageMetrics metrics) {
        this.feed = feed;
        this.metrics = metrics;
    }

    /** Takes a {@code feed-*} fault at engine time {@code nowNanos}; returns its one-line effect. */
    synchronized String inject(Fault.Feed f, long nowNanos) {
        long d = f.duration().toNanos();
        String target = f.target() == null ? "" : f.target();
        metrics.increment("feed_faults.injected");
        armed = true;
        switch (f.kind()) {
            case "feed-drop" -> {
                long w = d > 0 ? d : DEFAULT_DROP_NANOS;
                dropFrom = nowNanos;
                dropUntil = nowNanos + w;
                return "replay connection down for " + w / 1_000_000 + " ms: messages received meanwhile lost";
            }
            case "feed-stall" -> {
                long w = d > 0 ? d : DEFAULT_WINDOW_NANOS;
                stalls.put(target, new long[] {nowNanos, nowNanos + w});
                return "stalled '" + (target.isEmpty() ? "every stream" : target) + "' for " + w / 1_000_000 + " ms";
            }
            case "feed-latency" -> {
                long w = d > 0 ? d : DEFAULT_WINDOW_NANOS;
                latencyNanos = number(f.params().get("ms"), 500) * 1_000_000L;
                latencyFrom = nowNanos;
                latencyUntil = nowNanos + w;
                return "delaying every message by " + latencyNanos / 1_000_000 + " ms for " + w / 1_000_000 + " ms";
            }
            case "feed-corrupt" -> {
                int n = (int) number(f.params().get("count"), 1);
                corruptRemaining += n;
                return "sending " + n + " malformed message(s)";
            }
            case "feed-gap" -> {
                if (!target.contains("@depth")) {
                    throw new IllegalArgumentException("feed-gap needs a depth stream target such as 'btcusdt@depth@100ms', got '"
                            + target + "'");
                }
                int n = (int) number(f.params().get("count"), 1);
                gapRemaining.merge(target, n, Integer::sum);
                return "skipping " + n + " update(s) of '" + target + "'";
            }
            default -> throw new IllegalArgumentException("unknown feed fault '" + f.kind() + "'");
        }
    }

    @Override
    public RawMessage next() throws IOException {
        if (!armed) {
            RawMessage m = feed.next();
            if (m != null) {
                lastOut = m.receivedNanos(); // only this thread reads the feed; published by the lock below once armed
            }
            return m;
        }
        return faulted();
    }

    private synchronized RawMessage faulted() throws IOException {
        while (true) {
            RawMessage m = feed.next();
            if (m == null) {
                return null;
            }
            long t = m.receivedNanos();
            if (t >= dropFrom && t < dropUntil) {
                metrics.increment("feed_faults.dropped");
                continue;
            }
            String stream = stalls.isEmpty() && gapRemaining.isEmpty() ? null : stream(m.text());
            if (stream != null && stalled(stream, t)) {
                metrics.increment("feed_faults.stalled");
                continue;
            }
            if (stream != null) {
                Integer gap = gapRemaining.get(stream);
                if (gap != null) {
                    if (gap <= 1) {
                        gapRemaining.remove(stream);
                    } else {
                        gapRemaining.put(stream, gap - 1);
                    }
                    metrics.increment("feed_faults.skipped");
                    continue;
                }
            }
            String text = m.text();
            if (corruptRemaining > 0) {
                corruptRemaining--;
                text = text.substring(0, text.length() / 2);
                metrics.increment("feed_faults.corrupted");
            }
            if (t >= latencyFrom && t < latencyUntil) {
                t += latencyNanos;
                metrics.increment("feed_faults.delayed");
            }
            t = Math.max(t, lastOut);
            lastOut = t;
            return t == m.receivedNanos() && text == m.text() ? m : new RawMessage(t, text);
        }
    }

    private boolean stalled(String stream, long t) {
        for (String key : new String[] {stream, ""}) {
            long[] w = stalls.get(key);
            if (w != null && t >= w[0] && t < w[1]) {
                return true;
            }
        }
        return false;
    }

    /** The {@code stream} of a combined-stream envelope, or null. */
    static String stream(String text) {
        String key = "{\"stream\":\"";
        if (!text.startsWith(key)) {
            return null;
        }
        int end = text.indexOf('"', key.length());
        return end < 0 ? null : text.substring(key.length(), end);
    }

    private static long number(Object o, long dflt) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        if (o != null) {
            try {
                return Long.parseLong(o.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a feed fault parameter must be a whole number, got '" + o + "'");
            }
        }
        return dflt;
    }

    @Override
    public Map<String, Object> describe() {
        return feed.describe();
    }

    @Override
    public void close() throws IOException {
        feed.close();
    }
}
