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
 * the same bytes. Setting {@code phases} (a list of {@code "<duration> <regime>"} strings, or one string of them
 * separated by commas) drives every symbol through those regimes from the start, then the own cycle continues.
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
        SyntheticMarket market = new SyntheticMarket(seed, symbols, streams, startMs, phases(spec.settings().get("phases")));
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

    /** The {@code phases} setting: null/empty = none; a list of strings or one comma-separated string. */
    static List<SyntheticMarket.Phase> phases(Object setting) {
        if (setting == null) {
            return List.of();
        }
        List<String> items = new java.util.ArrayList<>();
        if (setting instanceof List<?> l) {
            l.forEach(x -> items.add(String.valueOf(x)));
        } else {
            for (String x : setting.toString().split(",")) {
                if (!x.isBlank()) {
                    items.add(x);
                }
            }
        }
        List<SyntheticMarket.Phase> out = new java.util.ArrayList<>();
        for (String x : items) {
            try {
                out.add(SyntheticMarket.Phase.parse(x));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("source setting phases: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
