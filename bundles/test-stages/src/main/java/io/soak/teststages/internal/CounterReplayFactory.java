package io.soak.teststages.internal;

import io.soak.api.plan.SourceSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.ReplayFeedFactory;
import java.util.Map;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * Replay type {@code counter}: a seeded synthetic feed of messages whose text is a running number 1, 2, ...
 * Settings (source settings): {@code rate} messages per second (default 1000), {@code count} (default
 * unlimited), {@code start_ms} (default 2024-01-01T00:00:00Z). Receive times jitter within their slot,
 * seeded, never decreasing.
 */
@Component(service = ReplayFeedFactory.class)
public final class CounterReplayFactory implements ReplayFeedFactory {

    public static final long DEFAULT_START_MS = 1_704_067_200_000L;

    @Override
    public String type() {
        return "counter";
    }

    @Override
    public ReplayFeed open(SourceSpec spec, long seed) {
        Map<String, Object> s = spec.settings();
        double rate = number(s.get("rate"), 1000);
        long count = (long) number(s.get("count"), Long.MAX_VALUE);
        long startMs = (long) number(s.get("start_ms"), DEFAULT_START_MS);
        return new Feed(rate, count, startMs * 1_000_000L, seed);
    }

    static double number(Object v, double fallback) {
        if (v == null) {
            return fallback;
        }
        return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
    }

    /** The feed itself. */
    static final class Feed implements ReplayFeed {
        private final long periodNanos;
        private final long count;
        private final long start;
        private final SplittableRandom random;
        private long n;
        private long last;

        Feed(double rate, long count, long start, long seed) {
            this.periodNanos = Math.max(1, (long) (1e9 / rate));
            this.count = count;
            this.start = start;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public RawMessage next() {
            if (n >= count) {
                return null;
            }
            long slot = start + n * periodNanos;
            long t = Math.max(last, slot + (periodNanos > 1 ? random.nextLong(periodNanos) : 0));
            last = t;
            n++;
            return new RawMessage(t, Long.toString(n));
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("type", "counter", "messages", n, "period_ns", periodNanos);
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
