package io.soak.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.soak.api.sink.Row;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageFactory;
import io.soak.api.stats.MinuteStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage timers on the virtual clock, the engine's minute observation and rows filed by payload time. */
class MinuteObservationTest {

    @TempDir
    Path runs;

    /** Closes a minute every 60 s of engine time: a row per symbol, then the {@code all} row. */
    static final class Minuter implements StageFactory {
        @Override
        public String kind() {
            return "minuter";
        }

        @Override
        public Set<String> inputs() {
            return Set.of("raw");
        }

        @Override
        public Set<String> outputs() {
            return Set.of("minute");
        }

        @Override
        public Stage create() {
            return new Stage() {
                long messages;

                @Override
                public void start(StageContext ctx) {
                    long first = (ctx.clock().millis() / 60_000 + 1) * 60_000;
                    ctx.scheduler().scheduleAtFixedRate(first * 1_000_000L - ctx.clock().nanos(), 60_000_000_000L, () -> {
                        long minute = ctx.clock().millis() / 60_000 * 60_000 - 60_000;
                        for (String s : List.of("BTCUSDT", "ETHUSDT", MinuteStats.ALL)) {
                            ctx.emit("minute", new MinuteStats(minute, s, messages, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0,
                                    messages, Map.of()));
                        }
                        messages = 0;
                    });
                }

                @Override
                public void handle(Envelope event) {
                    messages++;
                }
            };
        }
    }

    @Test
    void callsExtensionsOncePerClosedMinuteWithAllRowsAndFilesRowsByMinuteStart() {
        TestPlans p = new TestPlans();
        p.name = "minutes";
        p.duration = Duration.ofMinutes(5);
        p.rate = 10;
        p.stages = List.of("minuter");
        p.sinks = List.of("mem");
        p.config.put("sinks.topics", List.of("minute"));
        Registry r = TestPlans.registry();
        r.addStage(new Minuter());
        MemorySink mem = new MemorySink();
        r.addSink(mem);
        List<List<MinuteStats>> minutes = new ArrayList<>();
        RunExtension ext = new RunExtension() {
            @Override
            public String name() {
                return "minutes";
            }

            @Override
            public void onMinute(RunContext run, List<MinuteStats> minute) {
                minutes.add(minute);
            }
        };
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> new SoakRun(p.plan(), r, List.of(ext), EngineOptions.of(runs).withRunId("minutes")).run());
        assertThat(out.exitCode()).isZero();
        assertThat(minutes).hasSizeBetween(4, 5);
        for (List<MinuteStats> m : minutes) {
            assertThat(m).extracting(MinuteStats::symbol).containsExactly("BTCUSDT", "ETHUSDT", "all");
            assertThat(m).extracting(MinuteStats::minuteStartMs).containsOnly(m.get(0).minuteStartMs());
        }
        assertThat(minutes.get(1).get(2).feedMessages()).isBetween(590L, 610L);
        Row row = mem.committed.get("minute").firstEntry().getValue();
        assertThat(row.eventTimeMs()).isEqualTo(minutes.get(0).get(0).minuteStartMs());
        assertThat(row.symbol()).isEqualTo("BTCUSDT");
        assertThat(row.json()).contains("\"minute_start_ms\":" + row.eventTimeMs());
        assertThat(TestPlans.num(out.manifest(), "minutes.delivered_to_extensions")).isEqualTo(minutes.size());
    }
}
