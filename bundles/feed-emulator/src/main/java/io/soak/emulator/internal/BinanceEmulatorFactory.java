package io.soak.emulator.internal;

import io.soak.capture.CaptureReplay;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedEmulator;
import io.soak.api.source.FeedEmulatorFactory;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Publishes the feed emulator type {@code binance}: captures or a seeded synthetic market, over a real WebSocket. */
@Component(service = FeedEmulatorFactory.class)
public final class BinanceEmulatorFactory implements FeedEmulatorFactory {

    @Override
    public String type() {
        return "binance";
    }

    @Override
    public FeedEmulator start(SourceSpec spec, long seed) throws Exception {
        EmulatorSettings s = EmulatorSettings.of(spec, System.currentTimeMillis());
        MessageSource source;
        String serve;
        if (s.serve().equals("files")) {
            source = MessageSource.of(new CaptureReplay(new CaptureReplay.Options(
                    spec.files().stream().map(Path::of).toList(), spec.symbols(), spec.aliases(), s.loop(),
                    s.loopGapMs() * 1_000_000L)));
            if (!s.recordedTimes()) {
                // the emulator is not a stage: serving starts on the wall clock, at the first client
                source = MessageSource.rebased(source, spec.emulator().containsKey("start_ms")
                        ? s::startMs : System::currentTimeMillis);
            }
            serve = "files " + spec.files() + (s.loop() ? " (looping)" : "")
                    + (s.recordedTimes() ? " with recorded times" : " with times moved to now");
        } else {
            List<String> symbols = spec.symbols().isEmpty() ? List.of("BTCUSDT", "ETHUSDT") : spec.symbols();
            // the regime schedule: emulator { set 'phases', [...] }, else the source's own setting
            Object phases = spec.emulator().containsKey("phases") ? spec.emulator().get("phases") : spec.settings().get("phases");
            source = MessageSource.of(new SyntheticMarket(seed, symbols, s.syntheticStreams(), s.startMs(),
                    SyntheticReplayFeedFactory.phases(phases)));
            serve = "synthetic market seed " + seed + " " + symbols;
        }
        java.util.Set<String> symbols = new java.util.LinkedHashSet<>();
        if (s.serve().equals("files")) {
            if (!spec.symbols().isEmpty()) {
                spec.symbols().forEach(x -> symbols.add(x.toUpperCase(java.util.Locale.ROOT)));
            } else {
                for (String f : spec.files()) { // <symbol>_<date>.gz, the recordings' naming
                    String name = Path.of(f).getFileName().toString();
                    int us = name.indexOf('_');
                    if (us > 0) {
                        symbols.add(name.substring(0, us).toUpperCase(java.util.Locale.ROOT));
                    }
                }
                spec.aliases().keySet().forEach(x -> symbols.add(x.toUpperCase(java.util.Locale.ROOT)));
            }
        } else {
            symbols.addAll(spec.symbols().isEmpty() ? List.of("BTCUSDT", "ETHUSDT") : spec.symbols());
        }
        java.util.Set<String> kinds = new java.util.LinkedHashSet<>(s.serve().equals("files") ? s.recordedKinds() : s.syntheticStreams());
        try {
            return new BinanceFeedEmulator(source, new BinanceFeedEmulator.Options(s.pace(), s.port(), s.startOnConnect(), serve,
                    symbols, kinds, s.serve().equals("files") && !s.recordedTimes() && !s.pace().max() && s.pace().multiplier() == 1,
                    s.streamSnapshots(),
                    s.pingIntervalMs(), s.pongTimeoutMs(), s.maxSessionMs()));
        } catch (Exception e) {
            source.close();
            throw e;
        }
    }
}
