package io.soak.engine.internal;

import io.soak.capture.CaptureReplay;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedEmulator;
import io.soak.api.source.FeedSource;
import io.soak.api.source.Ingress;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.SourceContext;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.Topics;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import io.soak.engine.Registry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the raw messages come from: a replay feed (pulled by the driver: the simulation loop, or the paced
 * feeder thread), or a live feed source (pushing through {@link #offer}), optionally served by the feed
 * emulator. The {@code capture} replay is built in when no installed bundle offers it: the api's
 * {@link CaptureReplay} (merge by receive time, looping, aliases), the same the harvest bundle serves.
 * With {@code engine.replay.read_ahead} (default true) a replay feed is read ahead on the engine's reader thread
 * ({@link ReadAheadFeed}) and, with {@code engine.replay.prepare_ahead} (default true), prepared by the raw topic's
 * stage on a second thread ({@link RawPreparation}: the harvest stage parses there); the driver takes the messages
 * in the same order either way.
 */
final class SourceIntake {

    private final Engine engine;
    ReplayFeed replay;
    /** Replay: the next message to deliver (null at the end). */
    RawMessage nextMessage;
    boolean feedEnded;
    FeedSource liveSource;
    FeedEmulator emulator;
    /** Replay: the feed faults carried out on the replay feed (no emulator in a replay). */
    ReplayFeedFaults feedFaults;
    volatile boolean stopped;
    long messagesRead;

    SourceIntake(Engine engine) {
        this.engine = engine;
    }

    /** Replay: opens the feed and reads its first message; returns that message's receive time, or -1. */
    long openReplay() throws IOException {
        SourceSpec spec = engine.plan.source();
        var f = engine.registry.replay(spec.type());
        if (f.isPresent()) {
            replay = f.get().open(spec, engine.plan.seed());
        } else if ("capture".equals(spec.type())) {
            replay = captureReplay(spec);
        } else {
            throw new IllegalStateException("no replay feed of type '" + spec.type() + "' (known: "
                    + engine.registry.keys(Registry.REPLAY) + ", capture)");
        }
        if (engine.merged.flag("engine.replay.read_ahead", true)) {
            // the parallel reader: the feed is read (decompressed, split, merged) on an engine-owned thread
            int batch = (int) engine.merged.integer("engine.replay.read_ahead_batch", 128);
            int batches = (int) engine.merged.integer("engine.replay.read_ahead_batches", 4);
            replay = new ReadAheadFeed(replay, batch, batches);
            // and prepared (parsed) by the raw topic's stage on a second thread, between the reader and the driver
            RawPreparation prep = engine.merged.flag("engine.replay.prepare_ahead", true) ? preparation() : null;
            if (prep != null) {
                replay = new ReadAheadFeed(replay, batch, batches, ReadAheadFeed.PARSER_THREAD_NAME, prep);
            }
        }
        // feed faults act where the driver takes the messages (engine time), after the read-ahead hand-off
        replay = feedFaults = new ReplayFeedFaults(replay, engine.metrics("source"));
        nextMessage = replay.next();
        if (nextMessage == null) {
            feedEnded = true;
            return -1;
        }
        return nextMessage.receivedNanos();
    }

    /**
     * The preparation of the raw topic's stage: the first local consumer of {@link Topics#RAW} whose factory offers
     * a {@link io.soak.api.stage.Preparer}; null when none does (nothing to do ahead).
     */
    private RawPreparation preparation() {
        for (StageSlot s : engine.bus.consumers(Topics.RAW)) {
            if (s.factory instanceof StageFactory f && f.preparer() != null) {
                return new RawPreparation(s.name, () -> s.factory);
            }
        }
        return null;
    }

    /** The built-in {@code capture} replay (setting {@code loop_gap_ms}, default 1000, as the harvest bundle's). */
    static ReplayFeed captureReplay(SourceSpec spec) throws IOException {
        long gapMs = 1000;
        Object g = spec.settings().get("loop_gap_ms");
        if (g != null) {
            try {
                gapMs = Long.parseLong(g.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("source setting loop_gap_ms must be a whole number of ms, got '"
                        + g + "'");
            }
        }
        CaptureReplay r = new CaptureReplay(new CaptureReplay.Options(
                spec.files().stream().map(Path::of).toList(), spec.symbols(), spec.aliases(), spec.loop(),
                gapMs * 1_000_000L));
        return r; // a CaptureReplay is a ReplayFeed
    }

    /** Replay: the message after {@link #nextMessage} (feed thread or simulation driver). */
    void advance() throws IOException {
        nextMessage = replay.next();
        if (nextMessage == null) {
            feedEnded = true;
        }
    }

    /** Replay: delivers one message on the raw topic (never drops). */
    void put(RawMessage m) throws InterruptedException {
        messagesRead++;
        engine.bus.putRaw(m);
    }

    /** Live ingress: never blocks; false when stopped or dropped. Thread-safe. */
    boolean offer(RawMessage m) {
        if (stopped || m == null) {
            return false;
        }
        return engine.bus.offerRaw(m);
    }

    /** Live: starts the emulator (when the scenario asks for it) and the feed source. */
    void startLive() throws Exception {
        SourceSpec spec = engine.plan.source();
        Registry registry = engine.registry;
        if (spec.usesEmulator()) {
            var ef = registry.emulator("binance").orElseThrow(() -> new IllegalStateException(
                    "the scenario asks for the feed emulator but no emulator is installed"));
            emulator = ef.start(spec, engine.plan.seed());
            spec = new SourceSpec(spec.type(), spec.symbols(), spec.streams(), emulator.endpoint(), spec.files(),
                    spec.loop(), spec.aliases(), spec.emulator(), spec.settings());
        }
        var factory = registry.feed(spec.type()).orElseThrow(() -> new IllegalStateException(
                "no live feed source of type '" + engine.plan.source().type() + "' (known: "
                        + registry.keys(Registry.FEED) + ")"));
        liveSource = factory.create();
        SourceSpec finalSpec = spec;
        EngineMetrics sm = engine.metrics("source");
        Settings cfg = engine.componentSettings("source");
        Ingress ingress = this::offer;
        Engine e = engine;
        liveSource.start(new SourceContext() {
            public String runId() { return e.runId(); }
            public SourceSpec spec() { return finalSpec; }
            public Settings config() { return cfg; }
            public Clock clock() { return e.clock; }
            public Scheduler scheduler() { return e.runContext.scheduler(); }
            public StageMetrics metrics() { return sm; }
            public Ingress ingress() { return ingress; }
            public Path runDirectory() { return e.runDirectory(); }
        });
    }

    /** Stops the intake: no message enters after this; the live source is stopped. */
    void stop(boolean quietly) {
        stopped = true;
        if (liveSource != null) {
            try {
                liveSource.stop();
            } catch (RuntimeException e) {
                if (!quietly) {
                    Engine.LOG.warn("feed source stop failed: {}", StageSlot.oneLine(e));
                }
            }
        }
    }

    /** Closes the replay feed and the emulator. */
    void close() {
        try {
            if (replay != null) {
                replay.close();
            }
        } catch (IOException e) {
            Engine.LOG.warn("replay feed close failed: {}", StageSlot.oneLine(e));
        }
        if (emulator != null) {
            try {
                emulator.close();
            } catch (RuntimeException e) {
                Engine.LOG.warn("feed emulator close failed: {}", StageSlot.oneLine(e));
            }
        }
    }
}
