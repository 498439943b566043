package io.soak.emulator.internal;

import io.soak.api.plan.Pace;
import io.soak.api.plan.SourceSpec;
import io.soak.api.stage.Settings;
import java.util.List;
import java.util.Map;

/**
 * The emulator's settings, read from {@link SourceSpec#emulator()} with the field name and bad value in every
 * error: {@code serve} ({@code files} | {@code synthetic}; default files when the spec lists files),
 * {@code pace} ({@code 1x}), {@code port} (0 = a free port), {@code loop}, {@code start_on_connect} (true),
 * {@code loop_gap_ms} (1000), {@code start_ms} (synthetic: first event time; default now),
 * {@code streams} (synthetic: kinds generated; default every kind a client may ask for), {@code timestamps}
 * (files: {@code now} (default) moves every time of the recording so that it starts at {@code start_ms}, as a
 * live exchange would; {@code recorded} serves the recording's own times, byte for byte), {@code recorded_kinds}
 * (files: the kinds the recording holds; default trade, bookTicker, depth@0ms), {@code stream_snapshots} (false:
 * snapshots only over REST; true: the soak-specific {@code <sym>@depthSnapshot} frames of earlier builds),
 * {@code ping_interval_s} (180), {@code pong_timeout_s} (600), {@code max_session_s} (86400). The synthetic
 * market's {@code phases} are read by {@link BinanceEmulatorFactory} (here, or the source's settings).
 */
record EmulatorSettings(String serve, Pace pace, int port, boolean loop, boolean startOnConnect, long loopGapMs,
                        long startMs, List<String> syntheticStreams, boolean recordedTimes, List<String> recordedKinds,
                        boolean streamSnapshots, long pingIntervalMs, long pongTimeoutMs, long maxSessionMs) {

    /** The kinds of the shared recordings (files serve these and what derives from them). */
    static final List<String> RECORDED_KINDS = List.of("trade", "bookTicker", "depth@0ms");

    static final List<String> ALL_KINDS = List.of("aggTrade", "trade", "bookTicker", "depth5@100ms",
            "depth10@100ms", "depth20@100ms");

    static EmulatorSettings of(SourceSpec spec, long nowMs) {
        // the api's Settings parses and names the bad value; keys carry the "emulator." prefix for its messages
        Map<String, Object> prefixed = new java.util.TreeMap<>();
        spec.emulator().forEach((k, v) -> prefixed.put("emulator." + k, v));
        Settings e = new Settings(prefixed);
        String serve = e.string("emulator.serve", spec.files().isEmpty() ? "synthetic" : "files").trim();
        if (!serve.equals("files") && !serve.equals("synthetic")) {
            throw new IllegalArgumentException("emulator.serve must be 'files' or 'synthetic', got '" + serve + "'");
        }
        if (serve.equals("files") && spec.files().isEmpty()) {
            throw new IllegalArgumentException("emulator.serve is 'files' but the source lists no files");
        }
        Pace pace = Pace.parse(e.string("emulator.pace", "1x"));
        int port = (int) e.integer("emulator.port", 0);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("emulator.port must be 0..65535, got " + port);
        }
        boolean loop = spec.loop() || e.flag("emulator.loop", false);
        List<String> streams = e.list("emulator.streams", ALL_KINDS);
        String timestamps = e.string("emulator.timestamps", "now").trim();
        if (!timestamps.equals("now") && !timestamps.equals("recorded")) {
            throw new IllegalArgumentException("emulator.timestamps must be 'now' or 'recorded', got '" + timestamps + "'");
        }
        return new EmulatorSettings(serve, pace, port, loop, e.flag("emulator.start_on_connect", true),
                e.integer("emulator.loop_gap_ms", 1000), e.integer("emulator.start_ms", nowMs), List.copyOf(streams),
                timestamps.equals("recorded"), List.copyOf(e.list("emulator.recorded_kinds", RECORDED_KINDS)),
                e.flag("emulator.stream_snapshots", false), positiveMs(e, "emulator.ping_interval_s", 180),
                positiveMs(e, "emulator.pong_timeout_s", 600), positiveMs(e, "emulator.max_session_s", 86_400));
    }

    private static long positiveMs(Settings e, String key, double fallbackS) {
        double v = e.decimal(key, fallbackS);
        if (!(v > 0)) {
            throw new IllegalArgumentException(key + " must be > 0 seconds, got " + v);
        }
        return (long) (v * 1000);
    }
}
