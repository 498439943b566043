package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.capture.CaptureReplay;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.FeedEmulator;
import io.soak.api.source.Ingress;
import io.soak.api.source.RawMessage;
import io.soak.api.source.SourceContext;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stage.Topics;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import io.soak.emulator.internal.BinanceEmulatorFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harvester's live source and stage against the real feed emulator over a real WebSocket on 127.0.0.1
 * (plain classes, no framework): what arrives, reconnects, stalls, corrupt frames and depth gaps.
 */
class FeedOverSocketTest {

    static final List<String> RECORDED = List.of("bookTicker", "trade", "depth@0ms");

    @TempDir
    Path runDir;

    /** A source context on the wall clock whose ingress hands every message to the test's consumer. */
    record Ctx(SourceSpec spec, Settings config, WallTime time, StageMetrics metrics, Ingress ingress, Path runDirectory)
            implements SourceContext {
        @Override
        public String runId() {
            return "socket-test";
        }

        @Override
        public Clock clock() {
            return time;
        }

        @Override
        public Scheduler scheduler() {
            return time;
        }
    }

    /** The recordings' 2024 times served as recorded, received on today's wall clock: no time bound applies. */
    static final long RECORDED_TIMES_SKEW_MS = 1_000_000_000_000L;

    static SourceSpec emulated(List<String> files, String pace, List<String> symbols) {
        return new SourceSpec("binance-ws", symbols, RECORDED, "", files, false, Map.of(),
                Map.of("serve", "files", "pace", pace, "timestamps", "recorded"), Map.of());
    }

    /** The recording byte for byte: the legacy root connection and the recording's own snapshot on the stream. */
    static SourceSpec emulatedLegacy(List<String> files, String pace, List<String> symbols) {
        return new SourceSpec("binance-ws", symbols, RECORDED, "", files, false, Map.of(),
                Map.of("serve", "files", "pace", pace, "timestamps", "recorded", "stream_snapshots", true), Map.of());
    }

    static final Settings LEGACY = new Settings(Map.of("layout", "legacy", "snapshot.rest", false));

    @Test
    @Timeout(90)
    void everyRecordedMessageArrivesOverTheSocket() throws Exception {
        List<String> files = List.of(SharedData.file(SharedData.BTC).toString(), SharedData.file(SharedData.ETH).toString());
        SourceSpec spec = emulatedLegacy(files, "max", List.of("BTCUSDT", "ETHUSDT"));
        TestMetrics metrics = new TestMetrics();
        Harvester harvester = new Harvester(metrics, e -> { }, 65_536, 5, RECORDED_TIMES_SKEW_MS);
        try (WallTime time = new WallTime(); FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1)) {
            BinanceWsSource source = new BinanceWsSource();
            SourceSpec live = withEndpoint(spec, emulator.endpoint());
            source.start(new Ctx(live, LEGACY, time, metrics, m -> {
                harvester.onRaw(m); // OkHttp's single reader thread: sequential
                return true;
            }, runDir));
            try {
                await().atMost(Duration.ofSeconds(80)).until(() -> Boolean.TRUE.equals(emulator.describe().get("done"))
                        && metrics.with("messages_per_stream.").values().stream().mapToLong(Long::longValue).sum()
                        == SharedData.streamMessages(SharedData.BTC, SharedData.ETH) + 2);
            } finally {
                source.stop();
            }
        }
        assertThat(metrics.with("messages_per_stream.")).containsExactlyInAnyOrderEntriesOf(
                SharedData.perStream(SharedData.BTC, SharedData.ETH));
        assertThat(metrics.counter("parse_errors")).isZero();
        assertThat(metrics.counter("book_resyncs")).isZero();
        assertThat(metrics.counter("reconnect_count")).isZero();
    }

    @Test
    @Timeout(90)
    void aDroppedConnectionReconnectsAfterOneSecondAndLosesNothingAfterwards() throws Exception {
        List<String> files = List.of(SharedData.file(SharedData.ETH).toString());
        // 345 s of recording at 40x (8.6 s), or the 30 s fixture at 4x (7.5 s): time to drop and reconnect mid-way
        SourceSpec spec = emulatedLegacy(files, io.soak.testdata.TestData.full() ? "40x" : "4x", List.of("ETHUSDT"));
        long dropAfter = Math.min(5_000, SharedData.counts(SharedData.ETH).lines() / 4);
        TestMetrics metrics = new TestMetrics();
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (WallTime time = new WallTime(); FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1)) {
            BinanceWsSource source = new BinanceWsSource();
            source.start(new Ctx(withEndpoint(spec, emulator.endpoint()), LEGACY, time, metrics, m -> {
                received.add(m.text());
                return true;
            }, runDir));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> received.size() > dropAfter);
                emulator.inject(new FaultSpec(Duration.ZERO, "feed-drop", "", Duration.ZERO, Map.of()));
                await().atMost(Duration.ofSeconds(20)).until(() -> metrics.counter("reconnect_count") == 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> Boolean.TRUE.equals(emulator.describe().get("done")));
                await().atMost(Duration.ofSeconds(10)).until(() -> received.get(received.size() - 1)
                        .equals(lastMessage(files)));
            } finally {
                source.stop();
            }
        }
        assertThat(metrics.counter("reconnect_count")).isEqualTo(1);
        assertThat(metrics.counter("planned_reconnects")).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> conns = (Map<String, Map<String, Object>>) metrics.facts.get("connections");
        List<Map<String, Object>> reconnects = (List<Map<String, Object>>) conns.get("legacy").get("reconnects");
        assertThat(reconnects).singleElement().satisfies(r -> {
            assertThat(r.get("backoff_ms")).isEqualTo(1000L);
            assertThat(r.get("reason").toString()).isNotBlank();
        });
        // walk the recording: what arrived is the recording with exactly one hole (the time the socket was down)
        int holes = 0;
        boolean inHole = false;
        int i = 0;
        try (CaptureReplay replay = new CaptureReplay(new CaptureReplay.Options(files.stream().map(Path::of).toList(),
                List.of(), Map.of(), false, 0))) {
            RawMessage m;
            while ((m = replay.next()) != null && i < received.size()) {
                if (m.text().equals(received.get(i))) {
                    i++;
                    inHole = false;
                } else if (!inHole) {
                    holes++;
                    inHole = true;
                }
            }
        }
        assertThat(i).as("every received message found in recording order").isEqualTo(received.size());
        assertThat(holes).as("messages lost only while disconnected").isEqualTo(1);
    }

    @Test
    @Timeout(60)
    void stallCorruptFramesAndADepthGapAreSeenByTheStageWhichResyncsFromAFreshSnapshot() throws Exception {
        List<String> files = List.of(SharedData.file(SharedData.BTC).toString());
        // 345 s at 20x (17 s) or the 30 s fixture at 3x (10 s): the faults land mid-recording either way
        SourceSpec spec = emulated(files, io.soak.testdata.TestData.full() ? "20x" : "3x", List.of("BTCUSDT"));
        TestMetrics metrics = new TestMetrics();
        AtomicLong seq = new AtomicLong();
        try (WallTime time = new WallTime(); FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1)) {
            HarvestStage stage = new HarvestStage();
            TestStageContext ctx = new TestStageContext(time, metrics, new Settings(Map.of("substream_timeout.trades_s", 1.0,
                    "substream_timeout.book_s", 5.0, "substream_timeout.check_s", 0.1,
                    "time_bounds.max_skew_s", RECORDED_TIMES_SKEW_MS / 1000.0)));
            time.run(() -> stage.start(ctx));
            BinanceWsSource source = new BinanceWsSource();
            source.start(new Ctx(withEndpoint(spec, emulator.endpoint()), Settings.empty(), time, metrics, m -> {
                time.run(() -> stage.handle(new Envelope(Topics.RAW, seq.incrementAndGet(), m.receivedNanos(), m)));
                return true;
            }, runDir));
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> metrics.counter("messages_per_stream.btcusdt@depthSnapshot") == 1
                        && metrics.counter("messages_per_stream.btcusdt@depth@0ms") > 200);
                emulator.inject(new FaultSpec(Duration.ZERO, "feed-corrupt", "", Duration.ZERO, Map.of("count", 4)));
                emulator.inject(new FaultSpec(Duration.ZERO, "feed-gap", "btcusdt@depth@0ms", Duration.ZERO, Map.of("count", 1)));
                emulator.inject(new FaultSpec(Duration.ZERO, "feed-stall", "btcusdt@trade", Duration.ofSeconds(3), Map.of()));
                await().atMost(Duration.ofSeconds(20)).until(() -> metrics.counter("parse_errors") == 4
                        && metrics.counter("book_resyncs") == 1
                        && metrics.counter("book_snapshots") == 2 // a fresh REST snapshot after the gap
                        && Boolean.TRUE.equals(metrics.facts.get("substream_timeout_detected")));
                long applied = metrics.counter("messages_per_stream.btcusdt@depth@0ms");
                await().atMost(Duration.ofSeconds(10)).until(() -> metrics.counter("messages_per_stream.btcusdt@depth@0ms") > applied + 50);
            } finally {
                source.stop();
            }
        }
        @SuppressWarnings("unchecked")
        List<SubstreamMonitor.Timeout> timeouts = (List<SubstreamMonitor.Timeout>) metrics.facts.get("substream_timeouts");
        assertThat(timeouts).extracting(SubstreamMonitor.Timeout::substream).contains("btcusdt@trade");
        assertThat(timeouts).extracting(SubstreamMonitor.Timeout::substream).doesNotContain("btcusdt@bookTicker");
        assertThat(metrics.counter("parse_errors")).isEqualTo(4);
        // resynced from the fresh snapshot: later diffs chain again, no further resync
        assertThat(metrics.counter("book_resyncs")).isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void aServerShutdownNoticeMakesTheNextCloseAPlannedReconnect() throws Exception {
        long t0 = 1_723_161_255_000_000_000L;
        String trade = SharedData.first(SharedData.BTC, "\"btcusdt@trade\"").text();
        Path file = runDir.resolve("btcusdt_planned.txt");
        java.nio.file.Files.writeString(file, t0 + " " + trade + "\n"
                + (t0 + 100_000_000L) + " {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"serverShutdown\",\"E\":1723161256322}}\n"
                + (t0 + 20_000_000_000L) + " " + trade + "\n");
        SourceSpec spec = new SourceSpec("binance-ws", List.of("BTCUSDT"), List.of("trade"), "", List.of(file.toString()),
                false, Map.of(), Map.of("serve", "files", "pace", "1x", "timestamps", "recorded"), Map.of());
        TestMetrics metrics = new TestMetrics();
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        try (WallTime time = new WallTime(); FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1)) {
            BinanceWsSource source = new BinanceWsSource();
            source.start(new Ctx(withEndpoint(spec, emulator.endpoint()), Settings.empty(), time, metrics, m -> {
                received.add(m.text());
                return true;
            }, runDir));
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch(t -> t.contains("serverShutdown")));
                emulator.inject(new FaultSpec(Duration.ZERO, "feed-drop", "", Duration.ZERO, Map.of()));
                await().atMost(Duration.ofSeconds(10)).until(() -> metrics.counter("planned_reconnects") == 1
                        && ((Number) emulator.describe().get("connections_total")).longValue() == 2);
            } finally {
                source.stop();
            }
        }
        assertThat(metrics.counter("reconnect_count")).isZero();
        assertThat(metrics.counter("planned_reconnects")).isEqualTo(1);
    }

    /** The harvest stage fed by the live source, each on its own thread (as the engine runs them). */
    static final class Pipeline implements AutoCloseable {
        final TestMetrics metrics = new TestMetrics();
        final WallTime time = new WallTime();
        final HarvestStage stage = new HarvestStage();
        final BinanceWsSource source = new BinanceWsSource();
        final AtomicLong seq = new AtomicLong();

        Pipeline(SourceSpec spec, Settings sourceSettings, Path runDir) throws Exception {
            TestStageContext ctx = new TestStageContext(time, metrics, // recorded 2024 times on the wall clock
                    new Settings(Map.of("time_bounds.max_skew_s", RECORDED_TIMES_SKEW_MS / 1000.0)));
            time.run(() -> stage.start(ctx));
            source.start(new Ctx(spec, sourceSettings, time, metrics, m -> {
                time.run(() -> stage.handle(new Envelope(Topics.RAW, seq.incrementAndGet(), m.receivedNanos(), m)));
                return true;
            }, runDir));
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> connection(String name) {
            Object c = metrics.facts.get("connections");
            return c == null ? Map.of() : (Map<String, Object>) ((Map<String, Object>) c).getOrDefault(name, Map.of());
        }

        /** The harvester's book state of {@code symbol} (SYNCED once anchored on a snapshot and chained). */
        String bookState(String symbol) {
            time.run(() -> { }); // facts are published on the stage's timer; read the current ones
            Object books = metrics.facts.get("books");
            if (!(books instanceof Map<?, ?> m) || !(m.get(symbol) instanceof Map<?, ?> b)) {
                return "none";
            }
            return String.valueOf(b.get("state"));
        }

        @Override
        public void close() {
            source.stop();
            time.close();
        }
    }

    @Test
    @Timeout(60)
    void productionShapedPathsOpenPublicAndMarketAndSyncTheDiffBookThroughTheRestSnapshot() throws Exception {
        List<String> files = List.of(SharedData.file(SharedData.BTC).toString());
        SourceSpec spec = emulated(files, "5x", List.of("BTCUSDT"));
        try (FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1);
             Pipeline p = new Pipeline(withEndpoint(spec, emulator.endpoint()), Settings.empty(), runDir)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.metrics.counter("depth_snapshots_injected") >= 1
                    && p.metrics.counter("messages_per_stream.btcusdt@depth@0ms") > 100
                    && p.metrics.counter("book_snapshots") >= 1);
            assertThat(p.connection("public")).containsEntry("state", "connected").containsEntry("connected_ever", true);
            assertThat(p.connection("public").get("url").toString()).endsWith("/public/stream?streams=btcusdt@bookTicker/btcusdt@depth@0ms");
            assertThat(p.connection("market").get("url").toString()).endsWith("/market/stream?streams=btcusdt@trade");
            assertThat(p.metrics.facts.get("feed_connected_ever")).isEqualTo(true);
            @SuppressWarnings("unchecked")
            Map<String, Long> routes = (Map<String, Long>) emulator.describe().get("connections_open_by_route");
            assertThat(routes).containsEntry("public", 1L).containsEntry("market", 1L);
            @SuppressWarnings("unchecked")
            Map<String, Long> rest = (Map<String, Long>) emulator.describe().get("rest_requests");
            assertThat(rest.get("/fapi/v1/depth")).isPositive();
            // the recording's own snapshot line is not on the stream any more: the book anchored on the REST one
            assertThat(p.metrics.counter("book_resyncs")).isZero();
            long emitted = p.metrics.counter("messages_per_stream.btcusdt@depth@0ms");
            await().atMost(Duration.ofSeconds(10)).until(() -> p.metrics.counter("messages_per_stream.btcusdt@depth@0ms") > emitted + 50);
            assertThat(p.metrics.counter("book_resyncs")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> p.bookState("BTCUSDT").equals("synced"));
        }
    }

    @Test
    @Timeout(60)
    void aThrottledSnapshotRequestWaitsForRetryAfterThenSyncs() throws Exception {
        List<String> files = List.of(SharedData.file(SharedData.BTC).toString());
        SourceSpec spec = emulated(files, "2x", List.of("BTCUSDT"));
        try (FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1)) {
            emulator.inject(new FaultSpec(Duration.ZERO, "rest-throttle", "", Duration.ZERO,
                    Map.of("count", 2, "code", 429, "retry_after_s", 1)));
            try (Pipeline p = new Pipeline(withEndpoint(spec, emulator.endpoint()), Settings.empty(), runDir)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> p.metrics.counter("depth_snapshots_injected") >= 1);
                assertThat(p.metrics.counter("depth_snapshot_throttled")).isEqualTo(2);
                assertThat(p.metrics.counter("depth_snapshot_requests")).isEqualTo(3);
            }
        }
    }

    @Test
    @Timeout(60)
    void anOutageWithRefusedAttemptsIsOneReconnectPerConnectionNotOnePerAttempt() throws Exception {
        // live60 showed reconnect_count 6 for one 3 s feed-drop: 3 refused attempts on each of 2 connections. DOMAIN.md:
        // reconnect_count counts real reconnects (SLO <= 3 per hour); the attempts are reconnect_attempts.
        List<String> files = List.of(SharedData.file(SharedData.BTC).toString());
        SourceSpec spec = emulated(files, "2x", List.of("BTCUSDT"));
        Settings fast = new Settings(Map.of("reconnect.initial_ms", 200, "reconnect.max_ms", 300));
        try (FeedEmulator emulator = new BinanceEmulatorFactory().start(spec, 1);
             Pipeline p = new Pipeline(withEndpoint(spec, emulator.endpoint()), fast, runDir)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "connected".equals(p.connection("public").get("state"))
                    && "connected".equals(p.connection("market").get("state")));
            emulator.inject(new FaultSpec(Duration.ZERO, "feed-drop", "", Duration.ofMillis(1_500), Map.of()));
            await().atMost(Duration.ofSeconds(20)).until(() -> p.metrics.counter("reconnect_attempts") >= 4
                    && ((Number) p.connection("public").getOrDefault("opens", 0)).intValue() >= 2
                    && ((Number) p.connection("market").getOrDefault("opens", 0)).intValue() >= 2);
            assertThat(p.metrics.counter("reconnect_attempts")).as("refused attempts are counted as attempts").isGreaterThanOrEqualTo(4);
            assertThat(p.metrics.counter("reconnect_count")).as("one outage of two connections").isEqualTo(2);
            assertThat(p.connection("public")).containsEntry("reconnect_count", 1L);
            assertThat(p.connection("market")).containsEntry("reconnect_count", 1L);
        }
    }

    @Test
    @Timeout(30)
    void aFeedThatNeverAnswersCountsItsOutageEveryFailedAttemptAndTheTimeWithoutAConnection() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        SourceSpec spec = new SourceSpec("binance-ws", List.of("BTCUSDT"), List.of("trade", "bookTicker"),
                "ws://127.0.0.1:" + port, List.of(), false, Map.of(), Map.of(), Map.of());
        Settings fast = new Settings(Map.of("reconnect.initial_ms", 50, "reconnect.max_ms", 100));
        try (Pipeline p = new Pipeline(spec, fast, runDir)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> p.metrics.counter("connect_failures") >= 6);
            assertThat(p.metrics.counter("reconnect_attempts")).as("every failed attempt is counted").isGreaterThanOrEqualTo(5);
            assertThat(p.metrics.counter("reconnect_count")).as("one outage per connection, never 0 for a dead feed").isEqualTo(2);
            assertThat(p.metrics.facts.get("feed_connected_ever")).isEqualTo(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> ((Number) p.metrics.facts.get("feed_disconnected_ms")).longValue() > 0);
            assertThat(p.connection("public")).containsEntry("connected_ever", false).containsEntry("state", "disconnected");
            @SuppressWarnings("unchecked")
            Map<String, Long> outcomes = (Map<String, Long>) p.connection("market").get("attempt_outcomes");
            assertThat(outcomes.get("refused")).isGreaterThanOrEqualTo(3);
            assertThat(p.source.health().state()).isNotEqualTo(io.soak.api.stage.HealthState.HEALTHY);
        }
    }

    static String lastMessage(List<String> files) throws Exception {
        try (CaptureReplay replay = new CaptureReplay(new CaptureReplay.Options(files.stream().map(Path::of).toList(),
                List.of(), Map.of(), false, 0))) {
            RawMessage m;
            String last = null;
            while ((m = replay.next()) != null) {
                last = m.text();
            }
            return last;
        }
    }

    static SourceSpec withEndpoint(SourceSpec s, String endpoint) {
        return new SourceSpec(s.type(), s.symbols(), s.streams(), endpoint, s.files(), s.loop(), s.aliases(),
                s.emulator(), s.settings());
    }
}
