package io.soak.itests.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.sink.Row;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.ReplayFeedFactory;
import io.soak.engine.RunOutcome;
import io.soak.testdata.TestData;
import io.soak.testing.SoakHost;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replay on both cores (issue #16): the same max-pace replay of the shared recordings (looped, four symbols
 * by aliasing, the whole pipeline, both sinks) with the engine's parallel reader ({@code engine.replay.read_ahead}
 * true, the default) and with the driver reading the feed itself (false) gives the same market-event hash and
 * count, the same handled counts and the same rows in the JSONL sink and in the SQLite sink (row for row, the
 * run id aside). A third run whose hand-off delivers one batch of 1,024 messages before the batch read ahead of
 * it (a reordered hand-off) must differ, which shows the comparison can fail.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ParallelReaderIT {

    private static final int BATCH = 1024;

    @RegisterExtension
    static final SoakHost HOST = SoakHost.builder()
            .bundles("soak-harvest", "soak-signal", "soak-broker", "soak-report", "soak-sink-jsonl", "soak-sink-sqlite")
            .awaitStages("harvest", "signal", "broker", "report").await("sink", "jsonl", "sqlite").build();

    private static Path data;

    @BeforeAll
    static void data() {
        // the full shared recordings (345 s) when found, else the 30 s fixture of runtime/testdata (never a skip)
        data = TestData.dir();
        System.out.println("ParallelReaderIT reads the " + TestData.describe());
    }

    private static ScenarioPlan plan(String name, String sourceType, boolean readAhead) {
        return plan(name, sourceType, Map.of("engine.replay.read_ahead", readAhead));
    }

    private static ScenarioPlan plan(String name, String sourceType, Map<String, Object> engineConfig) {
        SourceSpec source = new SourceSpec(sourceType, List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT"),
                List.of("trade", "bookTicker", "depth@0ms"), "",
                List.of(data.resolve(TestData.BTC).toString(), data.resolve(TestData.ETH).toString()),
                true, Map.of("BNBUSDT", "BTCUSDT", "SOLUSDT", "ETHUSDT"), Map.of(), Map.of());
        // 8 minutes: more than one pass of the full recordings (a loop seam), many of the fixture; the looped
        // feed never ends, so the run stops at its duration with the reader ahead of the driver
        return new ScenarioPlan(name, "<itest>", "0".repeat(64), Mode.REPLAY, Pace.MAX, 42L, Duration.ofMinutes(8),
                source, List.of("harvest", "signal", "broker", "report"), List.of("jsonl", "sqlite"),
                Duration.ofSeconds(10), RestartPolicy.defaults(), new TimeseriesSpec("none", "", false, Map.of(), Map.of()),
                List.of(), List.of(), List.of(), engineConfig, "UTC");
    }

    @Test
    void theParallelReaderGivesTheSequentialReadersEventHashAndSinkRows() throws Exception {
        RunOutcome seq = run(plan("reader-sequential", "capture", false));
        RunOutcome par = run(plan("reader-parallel", "capture", true));

        Map<String, Object> hs = harvester(seq);
        Map<String, Object> hp = harvester(par);
        System.out.println("sequential: " + hs.get("market_events") + " events, hash " + hs.get("market_event_hash")
                + "\nparallel:   " + hp.get("market_events") + " events, hash " + hp.get("market_event_hash"));
        assertThat(((Number) hs.get("market_events")).longValue()).isGreaterThan(100_000L);
        assertThat(hp.get("market_events")).isEqualTo(hs.get("market_events"));
        assertThat(hp.get("market_event_hash")).isEqualTo(hs.get("market_event_hash"));
        for (String stage : List.of("harvest", "signal", "broker", "report")) {
            assertThat(handled(par, stage)).as("%s handled", stage).isEqualTo(handled(seq, stage));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> feed = (Map<String, Object>) sourceFeed(par);
        assertThat(feed).as("the parallel run's feed went through the reader thread").containsKey("read_ahead");
        // and through the parser thread: the harvest stage's preparer parsed every message ahead of the driver
        Map<String, Object> parse = (Map<String, Object>) feed.get("parse_ahead");
        assertThat(parse).as("parse_ahead of %s", feed).isNotNull().containsEntry("thread", "soak-replay-parser");
        Map<String, Object> by = (Map<String, Object>) parse.get("prepared_by");
        assertThat(by).containsEntry("stage", "harvest").containsEntry("failed", 0);
        assertThat(((Number) by.get("prepared")).longValue()).isGreaterThanOrEqualTo(handled(par, "harvest"));
        for (String sink : List.of("jsonl", "sqlite")) {
            List<String> a = rows(seq, sink);
            List<String> b = rows(par, sink);
            System.out.println(sink + ": " + a.size() + " rows sequential, " + b.size() + " parallel");
            assertThat(a).as("%s rows of the sequential run", sink).hasSizeGreaterThan(1_000);
            assertIdentical(sink, a, b);
        }

        // read ahead without parsing ahead (engine.replay.prepare_ahead false): the reader thread alone, the
        // harvest stage parses on the driver, and the outputs are the same again
        RunOutcome readOnly = run(plan("reader-no-prepare", "capture",
                Map.of("engine.replay.read_ahead", true, "engine.replay.prepare_ahead", false)));
        Map<String, Object> hr = harvester(readOnly);
        assertThat(hr.get("market_event_hash")).isEqualTo(hs.get("market_event_hash"));
        assertThat(hr.get("market_events")).isEqualTo(hs.get("market_events"));
        @SuppressWarnings("unchecked")
        Map<String, Object> readOnlyFeed = (Map<String, Object>) sourceFeed(readOnly);
        assertThat(readOnlyFeed).containsKey("read_ahead").doesNotContainKey("parse_ahead");
        assertThat((Map<String, Object>) readOnlyFeed.get("read_ahead")).doesNotContainKey("prepared_by")
                .containsEntry("thread", "soak-replay-reader");
        for (String sink : List.of("jsonl", "sqlite")) {
            assertIdentical(sink, rows(seq, sink), rows(readOnly, sink));
        }

        // the comparison can fail: a hand-off that delivers a batch before the one read ahead of it
        HOST.registry().addReplay(new Reordered(HOST.registry().replay("capture").orElseThrow()));
        RunOutcome bad = run(plan("reader-reordered", "capture-reordered", true));
        Map<String, Object> hb = harvester(bad);
        System.out.println("reordered:  " + hb.get("market_events") + " events, hash " + hb.get("market_event_hash"));
        assertThat(hb.get("market_event_hash")).as("a reordered hand-off changes the event hash")
                .isNotEqualTo(hs.get("market_event_hash"));
        assertThat(rows(bad, "jsonl")).as("a reordered hand-off changes the sink rows").isNotEqualTo(rows(seq, "jsonl"));
    }

    private static RunOutcome run(ScenarioPlan plan) throws Exception {
        RunOutcome o = HOST.newRun(plan).run();
        assertThat(o.exitCode()).as("%s: %s", o.runId(), o.failures()).isNotEqualTo(3);
        return o;
    }

    private static void assertIdentical(String sink, List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                throw new AssertionError(sink + " row " + i + " differs:\n  sequential " + a.get(i) + "\n  parallel   " + b.get(i));
            }
        }
        assertThat(b).as("%s rows", sink).hasSameSizeAs(a);
    }

    /** The sink's rows read back (topic, seq order), each as topic, seq and canonical JSON with the run id blanked. */
    private static List<String> rows(RunOutcome o, String sink) throws Exception {
        try (Stream<Row> s = HOST.registry().sink(sink).orElseThrow().readBack(o.runDirectory())) {
            return s.map(r -> r.topic() + " " + r.seq() + " " + r.json().replace(o.runId(), "<run>")).toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> harvester(RunOutcome o) {
        Map<String, Object> h = (Map<String, Object>) o.manifest().get("harvester_metrics");
        assertThat(h).as("harvester_metrics of %s (%s)", o.runId(), o.failures()).isNotNull();
        return h;
    }

    @SuppressWarnings("unchecked")
    private static long handled(RunOutcome o, String stage) {
        Map<String, Object> status = (Map<String, Object>) o.manifest().get("status");
        Map<String, Object> procs = (Map<String, Object>) status.get("processes");
        return ((Number) ((Map<String, Object>) procs.get(stage)).get("handled")).longValue();
    }

    private static Object sourceFeed(RunOutcome o) throws IOException {
        Map<?, ?> m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                o.runDirectory().resolve(io.soak.api.run.RunDirectory.SOURCE_MANIFEST).toFile(), Map.class);
        return m.get("feed");
    }

    /**
     * The {@code capture} feed with one reordered hand-off: from message 100,000 on, the batch of 1,024 messages
     * after the next one comes first (what a hand-off that lost its FIFO order would deliver).
     */
    static final class Reordered implements ReplayFeedFactory {
        private final ReplayFeedFactory inner;

        Reordered(ReplayFeedFactory inner) {
            this.inner = inner;
        }

        @Override
        public String type() {
            return "capture-reordered";
        }

        @Override
        public ReplayFeed open(SourceSpec spec, long seed) throws IOException {
            ReplayFeed f = inner.open(new SourceSpec("capture", spec.symbols(), spec.streams(), spec.endpoint(),
                    spec.files(), spec.loop(), spec.aliases(), spec.emulator(), spec.settings()), seed);
            return new ReplayFeed() {
                long n;
                final ArrayDeque<RawMessage> swapped = new ArrayDeque<>();

                @Override
                public RawMessage next() throws IOException {
                    if (n++ == 100_000) {
                        ArrayDeque<RawMessage> first = new ArrayDeque<>();
                        for (int i = 0; i < BATCH; i++) {
                            first.add(f.next());
                        }
                        for (int i = 0; i < BATCH; i++) {
                            swapped.add(f.next());
                        }
                        swapped.addAll(first);
                    }
                    RawMessage m = swapped.pollFirst();
                    return m != null ? m : f.next();
                }

                @Override
                public Map<String, Object> describe() {
                    return f.describe();
                }

                @Override
                public void close() throws IOException {
                    f.close();
                }
            };
        }
    }
}
