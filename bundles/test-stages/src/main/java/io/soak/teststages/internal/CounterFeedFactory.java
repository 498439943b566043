package io.soak.teststages.internal;

import io.soak.api.source.FeedSource;
import io.soak.api.source.FeedSourceFactory;
import io.soak.api.source.RawMessage;
import io.soak.api.source.SourceContext;
import io.soak.api.time.Cancellable;
import org.osgi.service.component.annotations.Component;

/**
 * Live source type {@code counter}: offers running numbers at {@code rate} messages per second (source
 * setting, default 1000) from a timer of the engine's scheduler, every {@code tick_ms} (default 10). No
 * threads of its own. Counts offered and dropped messages.
 */
@Component(service = FeedSourceFactory.class)
public final class CounterFeedFactory implements FeedSourceFactory {

    @Override
    public String type() {
        return "counter";
    }

    @Override
    public FeedSource create() {
        return new Source();
    }

    /** One live counter source. */
    static final class Source implements FeedSource {
        private Cancellable timer;
        private long n;
        private double owed;

        @Override
        public void start(SourceContext context) {
            double rate = CounterReplayFactory.number(context.spec().settings().get("rate"), 1000);
            long tickMs = (long) CounterReplayFactory.number(context.spec().settings().get("tick_ms"), 10);
            double perTick = rate * tickMs / 1000.0;
            timer = context.scheduler().scheduleAtFixedRate(tickMs * 1_000_000L, tickMs * 1_000_000L, () -> {
                owed += perTick;
                while (owed >= 1) {
                    owed--;
                    n++;
                    if (context.ingress().offer(new RawMessage(context.clock().nanos(), Long.toString(n)))) {
                        context.metrics().increment("offered");
                    } else {
                        context.metrics().increment("dropped_at_source");
                    }
                }
            });
        }

        @Override
        public void stop() {
            if (timer != null) {
                timer.cancel();
            }
        }
    }
}
