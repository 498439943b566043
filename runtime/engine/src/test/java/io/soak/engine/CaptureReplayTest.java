package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static io.soak.engine.TestPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in {@code capture} replay over the recorded Binance data (skipped when the data is absent). */
class CaptureReplayTest {

    @TempDir
    Path runs;

    static Path sharedData() {
        String p = System.getProperty("soak.shared.data");
        Path dir = p != null ? Path.of(p) : Path.of("../../../shared/data");
        return dir.resolve("binance-usdm");
    }

    /** Checks the clock follows the receive times: every envelope's time equals its message's receive time. */
    static final class ClockCheck implements StageFactory {
        @Override
        public String kind() {
            return "clockcheck";
        }

        @Override
        public Set<String> inputs() {
            return Set.of("raw");
        }

        @Override
        public Set<String> outputs() {
            return Set.of();
        }

        @Override
        public Stage create() {
            return new Stage() {
                StageContext ctx;
                long last;

                @Override
                public void start(StageContext context) {
                    ctx = context;
                }

                @Override
                public void handle(Envelope e) {
                    RawMessage m = (RawMessage) e.payload();
                    ctx.metrics().increment(e.timeNanos() == m.receivedNanos() ? "on_clock" : "off_clock");
                    if (m.receivedNanos() < last) {
                        ctx.metrics().increment("backwards");
                    }
                    last = m.receivedNanos();
                    if (m.text().startsWith("{\"stream\"")) {
                        ctx.metrics().increment("stream_messages");
                    }
                }
            };
        }
    }

    @Test
    void replaysRecordedCapturesMergedByReceiveTimeOnTheVirtualClock() {
        Path data = sharedData();
        assumeTrue(Files.isRegularFile(data.resolve("btcusdt_20240808.gz")),
                "recorded data not found at " + data.toAbsolutePath() + " (set -Dsoak.shared.data)");
        TestPlans p = new TestPlans();
        p.name = "capture";
        p.duration = Duration.ofMinutes(10);
        ScenarioPlan base = p.plan();
        SourceSpec source = new SourceSpec("capture", List.of("BTCUSDT", "ETHUSDT"), List.of("trade", "bookTicker"), "",
                List.of(data.resolve("btcusdt_20240808.gz").toString(), data.resolve("ethusdt_20240808.gz").toString()),
                false, Map.of(), Map.of(), Map.of());
        ScenarioPlan plan = new ScenarioPlan(base.name(), base.scriptFile(), base.scriptHash(), base.mode(), base.pace(),
                base.seed(), base.duration(), source, List.of("clockcheck"), List.of(), base.healthInterval(),
                base.restartPolicy(), base.timeseries(), List.of(), List.of(),
                // the captures hold 345 s: replayed once, they end before the planned 10 minutes on purpose
                List.of(new Criterion("waive.run_completed", "baseline", "waive", "run_completed",
                        "the test replays the 345 s captures once")), Map.of(), "UTC");
        Registry r = new Registry();
        r.addStage(new ClockCheck());
        RunExtension probe = new RunExtension() {
            RunContext ctx;

            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void beforeStart(RunContext run) {
                ctx = run;
            }

            @Override
            public Map<String, Object> manifestSections() {
                var m = ctx.metrics("clockcheck");
                return Map.of("probe", Map.of("on_clock", m.counter("on_clock"), "off_clock", m.counter("off_clock"),
                        "backwards", m.counter("backwards"), "stream_messages", m.counter("stream_messages")));
            }
        };
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new SoakRun(plan, r, List.of(probe), EngineOptions.of(runs).withRunId("capture")).run());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as("%s", out.failures()).isZero();
        assertThat(at(m, "end_reason")).isEqualTo("feed_exhausted");
        assertThat(num(m, "bus.topics.raw.published")).isEqualTo(93_954 + 74_655);
        assertThat(num(m, "probe.stream_messages")).isEqualTo(93_953 + 74_654);
        assertThat(num(m, "probe.off_clock")).isZero();
        assertThat(num(m, "probe.backwards")).isZero();
        assertThat((String) at(m, "started_at")).startsWith("2024-08-08T23:54");
        assertThat((double) at(m, "duration_s")).isBetween(300.0, 360.0);
    }
}
