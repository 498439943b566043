package io.soak.emulator.internal;

import io.soak.api.capture.CaptureReplay;
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
        try {
            return new BinanceFeedEmulator(source, s.pace(), s.port(), s.startOnConnect(), serve);
        } catch (Exception e) {
            source.close();
            throw e;
        }
    }
}
