package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static io.soak.engine.TestPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.soak.api.plan.Fault;
import io.soak.api.plan.FaultSpec;
import io.soak.teststages.internal.PassFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault kinds the engine carries out beyond kill/crash/hang: slow-sink, swap with a jar, the closed set. */
class FaultKindsTest {

    @TempDir
    Path runs;

    private RunOutcome run(TestPlans p, Registry r, List<RunExtension> ext, StageRevival revival) {
        EngineOptions o = EngineOptions.of(runs).withRunId(p.name).withRevival(revival);
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new SoakRun(p.plan(), r, ext, o).run());
    }

    @Test
    void everyKindWordIsOneRecordOfTheClosedSetAndAnUnknownOneIsRefused() {
        for (String kind : Fault.KINDS) {
            Fault f = Fault.of(new FaultSpec(Duration.ZERO, kind, "x", Duration.ofSeconds(1), Map.of("jar", "a.jar")));
            assertThat(f.kind()).isEqualTo(kind);
        }
        assertThat(Fault.of(new FaultSpec(Duration.ZERO, "swap", "signal", Duration.ZERO, Map.of("jar", "hot/s.jar"))))
                .isEqualTo(new Fault.Swap("signal", "hot/s.jar"));
        assertThatThrownBy(() -> Fault.of(new FaultSpec(Duration.ZERO, "slow", "x", Duration.ZERO, Map.of())))
                .hasMessageContaining("unknown fault kind 'slow'").hasMessageContaining("slow-sink");
    }

    @Test
    void slowSinkHoldsCommitsBackForItsWindowThenCommitsEverythingOnce() {
        TestPlans p = new TestPlans();
        p.name = "slow-sink";
        p.sinks = List.of("mem");
        p.config.put("sinks.topics", List.of("t4"));
        p.config.put("sinks.simulation_commit_interval_ms", 1000);
        p.fault(Duration.ofSeconds(10), "slow-sink", "mem", Duration.ofSeconds(20));
        MemorySink mem = new MemorySink();
        Registry r = TestPlans.registry();
        r.addSink(mem);
        RunOutcome out = run(p, r, List.of(), null);
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat(at(m, "faults.0.kind")).isEqualTo("slow-sink");
        assertThat((String) at(m, "faults.0.effect")).isEqualTo("commits of sink mem held back for PT20S");
        assertThat(at(m, "faults.0.end")).isNotNull();
        assertThat(num(m, "sinks.mem.slow_windows")).isEqualTo(1);
        assertThat(num(m, "sinks.mem.commits_delayed")).as("one held-back commit per virtual second of the window")
                .isBetween(19L, 20L);
        // 1,000 messages per second wait uncommitted for 20 s
        assertThat(num(m, "sinks.mem.max_uncommitted_rows")).isGreaterThanOrEqualTo(20_000L);
        long published = num(m, "bus.topics.t4.published");
        assertThat(mem.committed.get("t4")).hasSize((int) published);
        assertThat(mem.committed.get("t4").lastKey()).isEqualTo(published);
        assertThat(mem.writes.values()).allMatch(n -> n == 1);
    }

    @Test
    void slowSinkInAThreadedRunFillsTheWritersQueueAndBlocksTheBus() {
        TestPlans p = new TestPlans();
        p.name = "slow-sink-threaded";
        p.pace = new io.soak.api.plan.Pace(false, 20);
        p.duration = Duration.ofSeconds(40);
        p.rate = 2000;
        p.sinks = List.of("mem");
        p.config.put("sinks.topics", List.of("t4"));
        p.config.put("engine.queues.default", 256);
        p.fault(Duration.ofSeconds(5), "slow-sink", "mem", Duration.ofSeconds(20));
        MemorySink mem = new MemorySink();
        Registry r = TestPlans.registry();
        r.addSink(mem);
        RunOutcome out = run(p, r, List.of(), null);
        Map<String, Object> m = out.manifest();
        assertThat(num(m, "sinks.mem.slow_windows")).isEqualTo(1);
        assertThat(num(m, "sinks.mem.slow_waits")).isPositive();
        long published = num(m, "bus.topics.t4.published");
        assertThat(mem.committed.get("t4")).hasSize((int) published);
        assertThat(mem.writes.values()).allMatch(n -> n == 1);
        // while the writer took nothing the bus backed up: some stage was DEGRADED at a tick (queue full / blocked)
        assertThat(num(m, "health.green_ticks")).isLessThan(num(m, "health.ticks"));
    }

    @Test
    void swapWithAJarInstallsItAsTheStagesBundleAndRestoresTheSnapshotOnTheNewCode(@TempDir Path hot) throws Exception {
        Path jar = Files.writeString(hot.resolve("pass2-2.jar"), "not really a jar; the host below only records it");
        TestPlans p = new TestPlans();
        p.name = "swap-jar";
        p.faults.add(new FaultSpec(Duration.ofSeconds(20), "swap", "pass2", Duration.ZERO, Map.of("jar", jar.toString())));
        Registry r = TestPlans.registry();
        PassFactory v1 = new PassFactory.Pass2();
        r.removeStage(r.stage("pass2").orElseThrow());
        r.addStage(v1);
        List<String> installed = new ArrayList<>();
        StageRevival host = new StageRevival() {
            @Override
            public void revive(String stageKind) {
                throw new AssertionError("a bundle update is not a removal to revive");
            }

            @Override
            public String install(String stageKind, Path j) {
                installed.add(stageKind + " " + j.getFileName());
                r.removeStage(v1); // the old bundle stops: its factory leaves
                r.addStage(new PassFactory.Pass2()); // the new bundle starts: its factory arrives
                return "io.soak.test-stages 1.0.0 -> 2.0.0";
            }
        };
        RunOutcome out = run(p, r, List.of(), host);
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat(installed).containsExactly("pass2 pass2-2.jar");
        assertThat(at(m, "faults.0.kind")).isEqualTo("swap");
        assertThat(at(m, "faults.0.params.bundle_versions")).isEqualTo("io.soak.test-stages 1.0.0 -> 2.0.0");
        assertThat(at(m, "versions.swapped.pass2")).isEqualTo("io.soak.test-stages 1.0.0 -> 2.0.0");
        assertThat(at(m, "status.processes.pass2.restarts.0.cause")).isEqualTo("factory_removed");
        assertThat((String) at(m, "faults.1.effect")).contains("snapshot restored");
        long published = num(m, "bus.topics.raw.published");
        assertThat(num(m, "bus.topics.t4.published")).isEqualTo(published);
        assertThat(num(m, "status.processes.count.handled")).isEqualTo(published);
    }

    @Test
    void swapWithAMissingJarIsNotAppliedAndNamesTheJar() {
        TestPlans p = new TestPlans();
        p.name = "swap-missing";
        p.faults.add(new FaultSpec(Duration.ofSeconds(20), "swap", "pass2", Duration.ZERO,
                Map.of("jar", runs.resolve("nope.jar").toString())));
        RunOutcome out = run(p, TestPlans.registry(), List.of(), null);
        assertThat((String) at(out.manifest(), "faults.0.effect")).startsWith("not applied: fault swap: jar ")
                .endsWith("nope.jar does not exist");
        assertThat(num(out.manifest(), "status.processes.pass2.restart_count")).isZero();
    }

    /**
     * The feed faults of a replay (no emulator) are carried out on the replay feed in engine time. Failed before:
     * every one was recorded "not applied: fault feed-drop needs the feed emulator, and this run has none".
     */
    @Test
    void feedFaultsOfAReplayAreCarriedOutOnTheFeedInEngineTime() {
        TestPlans clean = new TestPlans();
        clean.name = "feed-clean";
        long all = num(run(clean, TestPlans.registry(), List.of(), null).manifest(), "bus.topics.raw.published");

        TestPlans p = new TestPlans();
        p.name = "feed-faults";
        p.fault(Duration.ofSeconds(10), "feed-drop", "", Duration.ofSeconds(2));
        p.faults.add(new FaultSpec(Duration.ofSeconds(20), "feed-corrupt", "", Duration.ZERO, Map.of("count", 3)));
        p.faults.add(new FaultSpec(Duration.ofSeconds(30), "feed-latency", "", Duration.ofSeconds(5), Map.of("ms", 700)));
        RunOutcome out = run(p, TestPlans.registry(), List.of(), null);
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat((String) at(m, "faults.0.effect")).isEqualTo("replay connection down for 2000 ms: messages received meanwhile lost");
        assertThat((String) at(m, "faults.1.effect")).isEqualTo("sending 3 malformed message(s)");
        assertThat((String) at(m, "faults.2.effect")).isEqualTo("delaying every message by 700 ms for 5000 ms");
        long dropped = num(m, "harvester_metrics.feed_faults.dropped");
        assertThat(dropped).as("2 s of a 1000 msg/s feed").isBetween(1_800L, 2_200L);
        assertThat(num(m, "bus.topics.raw.published")).as("what was not dropped arrived").isEqualTo(all - dropped);
        assertThat(num(m, "harvester_metrics.feed_faults.corrupted")).isEqualTo(3);
        assertThat(num(m, "harvester_metrics.feed_faults.delayed")).isBetween(4_500L, 5_500L);
        assertThat(num(m, "bus.topics.t4.published")).isEqualTo(num(m, "bus.topics.raw.published"));
    }

    @Test
    void aFeedGapNeedsADepthStreamAndAStallSkipsOnlyItsStream() throws Exception {
        var feed = new io.soak.engine.internal.ReplayFeedFaultsProbe(List.of(
                new io.soak.api.source.RawMessage(1_000, "{\"stream\":\"btcusdt@trade\",\"data\":{}}"),
                new io.soak.api.source.RawMessage(2_000, "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{}}"),
                new io.soak.api.source.RawMessage(3_000, "{\"stream\":\"btcusdt@depth@0ms\",\"data\":{}}"),
                new io.soak.api.source.RawMessage(4_000, "{\"stream\":\"btcusdt@trade\",\"data\":{}}")));
        assertThatThrownBy(() -> feed.inject(new FaultSpec(Duration.ZERO, "feed-gap", "btcusdt@trade", Duration.ZERO, Map.of()), 0))
                .hasMessageContaining("needs a depth stream");
        feed.inject(new FaultSpec(Duration.ZERO, "feed-gap", "btcusdt@depth@0ms", Duration.ZERO, Map.of()), 0);
        feed.inject(new FaultSpec(Duration.ZERO, "feed-stall", "btcusdt@trade", Duration.ofNanos(2_000), Map.of()), 0);
        assertThat(feed.texts()).containsExactly("3000 {\"stream\":\"btcusdt@depth@0ms\",\"data\":{}}",
                "4000 {\"stream\":\"btcusdt@trade\",\"data\":{}}");
    }
}
