package io.soak.emulator.internal;

import io.soak.api.plan.SourceSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.ReplayFeedFactory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * Replay type {@code synthetic}: the emulator's seeded synthetic market as raw messages with virtual receive
 * times, no server. Endless (the engine stops reading at the run's duration). Streams: the spec's stream kinds
 * the generator knows, or trade + bookTicker + depth5@100ms; symbols: the spec's, or BTCUSDT + ETHUSDT.
 * Setting {@code start} (ISO instant, default 2024-08-09T00:00:00Z) fixes the timeline, so the same seed gives
 * the same bytes.
 */
@Component(service = ReplayFeedFactory.class)
public final class SyntheticReplayFeedFactory implements ReplayFeedFactory {

    static final String DEFAULT_START = "2024-08-09T00:00:00Z";

    @Override
    public String type() {
        return "synthetic";
    }

    @Override
    public ReplayFeed open(SourceSpec spec, long seed) {
        List<String> streams = spec.streams().stream().filter(EmulatorSettings.ALL_KINDS::contains).toList();
        List<String> symbols = spec.symbols().isEmpty() ? List.of("BTCUSDT", "ETHUSDT") : spec.symbols();
        Object start = spec.settings().getOrDefault("start", DEFAULT_START);
        long startMs = Instant.parse(start.toString()).toEpochMilli();
        SyntheticMarket market = new SyntheticMarket(seed, symbols, streams, startMs);
        return new ReplayFeed() {
            @Override
            public RawMessage next() {
                return market.next();
            }

            @Override
            public Map<String, Object> describe() {
                Map<String, Object> d = new java.util.LinkedHashMap<>(market.describe());
                d.put("type", "synthetic");
                d.put("seed", seed);
                return d;
            }

            @Override
            public void close() {
            }
        };
    }
}
