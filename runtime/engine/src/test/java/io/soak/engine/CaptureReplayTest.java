package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static io.soak.engine.TestPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.StageFactory;
import io.soak.testdata.TestData;
import io.soak.testing.fakes.ReplayFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in {@code capture} replay over the recorded Binance data: the full shared recordings when found,
 * else the 30 s fixture of runtime/testdata (never a skip).
 */
class CaptureReplayTest {

    @TempDir
    Path runs;

    static Path sharedData() {
        return TestData.dir();
    }

    /** Checks the clock follows the receive times: every envelope's time equals its message's receive time. */
    static StageFactory clockCheck() {
        long[] last = new long[1];
        return ReplayFixture.probe("clockcheck", (ctx, e) -> {
            RawMessage m = (RawMessage) e.payload();
            ctx.metrics().increment(e.timeNanos() == m.receivedNanos() ? "on_clock" : "off_clock");
            if (m.receivedNanos() < last[0]) {
                ctx.metrics().increment("backwards");
            }
            last[0] = m.receivedNanos();
            if (m.text().startsWith("{\"stream\"")) {
                ctx.metrics().increment("stream_messages");
            }
        });
    }

    @Test
    void replaysRecordedCapturesMergedByReceiveTimeOnTheVirtualClock() {
        Path data = sharedData();
        // full recordings: 93,954 + 74,655 lines over ~345 s; the fixture: 7,271 + 6,659 over ~30 s
        long lines = TestData.counts(TestData.BTC).lines() + TestData.counts(TestData.ETH).lines();
        ScenarioPlan plan = ReplayFixture.plan("capture", ReplayFixture.capture(List.of("BTCUSDT", "ETHUSDT"),
                        List.of("trade", "bookTicker"), List.of(data.resolve("btcusdt_20240808.gz").toString(),
                                data.resolve("ethusdt_20240808.gz").toString()), false, Map.of(), Map.of()))
                .duration(Duration.ofMinutes(10)).stages(List.of("clockcheck"))
                // the captures hold 345 s: replayed once, they end before the planned 10 minutes on purpose
                .expect(List.of(new Criterion("waive.run_completed", "baseline", "waive", "run_completed",
                        "the test replays the 345 s captures once"))).build();
        Registry r = new Registry();
        r.addStage(clockCheck());
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new SoakRun(plan, r, List.of(), EngineOptions.of(runs).withRunId("capture")).run());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as("%s", out.failures()).isZero();
        assertThat(at(m, "end_reason")).isEqualTo("feed_exhausted");
        assertThat(num(m, "bus.topics.raw.published")).isEqualTo(lines);
        // the api's capture replay wraps each file's bare REST snapshot line as {"stream":"<sym>@depthSnapshot",...}
        // (as the harvest bundle's capture replay always did): every raw message is now a stream message
        String probe = "status.processes.clockcheck.metrics.";
        assertThat(num(m, probe + "stream_messages")).isEqualTo(lines);
        assertThat(num(m, probe + "on_clock")).isEqualTo(lines);
        assertThat(num(m, probe + "off_clock")).isZero();
        assertThat(num(m, probe + "backwards")).isZero();
        assertThat((String) at(m, "started_at")).startsWith("2024-08-08T23:54");
        assertThat((double) at(m, "duration_s")).isBetween(TestData.full() ? 300.0 : 25.0, TestData.full() ? 360.0 : 40.0);
    }

    /** Counts raw messages per stream prefix ({@code btcusdt@...}, {@code xbtusdt@...}). */
    static StageFactory streamCount() {
        return ReplayFixture.probe("streamcount", (ctx, e) -> {
            String t = ((RawMessage) e.payload()).text();
            ctx.metrics().increment(t.startsWith("{\"stream\":\"xbtusdt@") ? "aliased"
                    : t.startsWith("{\"stream\":\"btcusdt@") ? "recorded" : "other");
        });
    }

    /**
     * The built-in capture replay (no replay bundle installed) loops and serves aliases: it is the api's
     * {@code CaptureReplay}. Failed before the engine's own copy was deleted: that one ignored loop and aliases,
     * so the run ended after the file's three messages with nothing served as XBTUSDT.
     */
    @Test
    void builtInCaptureReplayLoopsAndServesAliases() throws Exception {
        Path dir = Files.createDirectories(runs.resolve("data"));
        Path file = dir.resolve("btcusdt_20240101.txt");
        long t0 = 1_704_067_200_000_000_000L;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            long ms = t0 / 1_000_000 + i * 1000L;
            lines.append(t0 + i * 1_000_000_000L).append(" {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":")
                    .append(ms).append(",\"T\":").append(ms).append(",\"s\":\"BTCUSDT\",\"t\":").append(100 + i)
                    .append(",\"p\":\"42000.0\",\"q\":\"0.001\",\"X\":\"MARKET\",\"m\":false}}\n");
        }
        Files.writeString(file, lines);
        ScenarioPlan plan = ReplayFixture.plan("capture-loop", ReplayFixture.capture(List.of(), List.of("trade"),
                        List.of(file.toString()), true, Map.of("XBTUSDT", "BTCUSDT"), Map.of("loop_gap_ms", 1000)))
                .duration(Duration.ofSeconds(30)).stages(List.of("streamcount")).build();
        Registry r = new Registry();
        r.addStage(streamCount());
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new SoakRun(plan, r, List.of(), EngineOptions.of(runs).withRunId("capture-loop")).run());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as("%s", out.failures()).isZero();
        assertThat(at(m, "end_reason")).as("looping: the 3-message file never runs out").isEqualTo("duration");
        // 30 s of a 3 s recording looped with a 1 s gap: passes start at 0, 3, 6, ... s (≥ 7 passes)
        String probe = "status.processes.streamcount.metrics.";
        assertThat(num(m, probe + "recorded")).isGreaterThanOrEqualTo(20);
        assertThat(num(m, probe + "aliased")).as("served as XBTUSDT too").isEqualTo(num(m, probe + "recorded"));
        assertThat(num(m, probe + "other")).isZero();
    }
}
