package io.soak.api.plan;

import java.util.List;
import java.util.Map;

/**
 * Where the market data comes from.
 *
 * @param type     {@code binance-ws} (live WebSocket), {@code capture} (replay of capture files), or a
 *                 type a bundle provides (for example {@code synthetic}, or test sources)
 * @param symbols  upper-case symbols
 * @param streams  stream kinds per symbol, for example {@code aggTrade}, {@code bookTicker}, {@code depth5@100ms}
 * @param endpoint WebSocket base URL for live mode ({@code wss://fstream.binance.com} in production); empty
 *                 when the scenario starts the feed emulator (its loopback URL is used)
 * @param files    capture files (replay, or what the emulator serves)
 * @param loop     replay the files again, with shifted times and ids, until the run's duration
 * @param aliases  served symbol to recorded symbol, so a capture can stand for another symbol
 * @param emulator feed-emulator settings when the scenario starts one; empty when none
 * @param settings anything else a source type understands
 */
public record SourceSpec(String type, List<String> symbols, List<String> streams, String endpoint, List<String> files,
                         boolean loop, Map<String, String> aliases, Map<String, Object> emulator,
                         Map<String, Object> settings) {

    public SourceSpec {
        symbols = List.copyOf(symbols);
        streams = List.copyOf(streams);
        endpoint = endpoint == null ? "" : endpoint;
        files = List.copyOf(files);
        aliases = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(aliases));
        emulator = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(emulator));
        settings = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
    }

    public boolean usesEmulator() {
        return !emulator.isEmpty();
    }
}
