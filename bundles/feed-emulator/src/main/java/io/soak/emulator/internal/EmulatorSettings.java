package io.soak.emulator.internal;

import io.soak.api.plan.Pace;
import io.soak.api.plan.SourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The emulator's settings, read from {@link SourceSpec#emulator()} with the field name and bad value in every
 * error: {@code serve} ({@code files} | {@code synthetic}; default files when the spec lists files),
 * {@code pace} ({@code 1x}), {@code port} (0 = a free port), {@code loop}, {@code start_on_connect} (true),
 * {@code loop_gap_ms} (1000), {@code start_ms} (synthetic: first event time; default now),
 * {@code streams} (synthetic: kinds generated; default every kind a client may ask for), {@code timestamps}
 * (files: {@code now} (default) moves every time of the recording so that it starts at {@code start_ms}, as a
 * live exchange would; {@code recorded} serves the recording's own times, byte for byte). The synthetic
 * market's {@code phases} are read by {@link BinanceEmulatorFactory} (here, or the source's settings).
 */
record EmulatorSettings(String serve, Pace pace, int port, boolean loop, boolean startOnConnect, long loopGapMs,
                        long startMs, List<String> syntheticStreams, boolean recordedTimes) {

    static final List<String> ALL_KINDS = List.of("aggTrade", "trade", "bookTicker", "depth5@100ms",
            "depth10@100ms", "depth20@100ms");

    static EmulatorSettings of(SourceSpec spec, long nowMs) {
        Map<String, Object> e = spec.emulator();
        String serve = str(e, "serve", spec.files().isEmpty() ? "synthetic" : "files");
        if (!serve.equals("files") && !serve.equals("synthetic")) {
            throw new IllegalArgumentException("emulator.serve must be 'files' or 'synthetic', got '" + serve + "'");
        }
        if (serve.equals("files") && spec.files().isEmpty()) {
            throw new IllegalArgumentException("emulator.serve is 'files' but the source lists no files");
        }
        Pace pace = Pace.parse(str(e, "pace", "1x"));
        int port = (int) num(e, "port", 0);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("emulator.port must be 0..65535, got " + port);
        }
        boolean loop = spec.loop() || bool(e, "loop", false);
        List<String> streams = new ArrayList<>();
        Object st = e.get("streams");
        if (st instanceof List<?> l) {
            l.forEach(x -> streams.add(x.toString()));
        } else if (st != null) {
            streams.addAll(List.of(st.toString().split("\\s*,\\s*")));
        } else {
            streams.addAll(ALL_KINDS);
        }
        String timestamps = str(e, "timestamps", "now");
        if (!timestamps.equals("now") && !timestamps.equals("recorded")) {
            throw new IllegalArgumentException("emulator.timestamps must be 'now' or 'recorded', got '" + timestamps + "'");
        }
        return new EmulatorSettings(serve, pace, port, loop, bool(e, "start_on_connect", true),
                num(e, "loop_gap_ms", 1000), num(e, "start_ms", nowMs), List.copyOf(streams),
                timestamps.equals("recorded"));
    }

    private static String str(Map<String, Object> m, String k, String fallback) {
        Object v = m.get(k);
        return v == null ? fallback : v.toString().trim();
    }

    private static long num(Map<String, Object> m, String k, long fallback) {
        Object v = m.get(k);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("emulator." + k + " must be an integer, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, Object> m, String k, boolean fallback) {
        Object v = m.get(k);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("emulator." + k + " must be true or false, got '" + v + "'");
    }
}
