package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static io.soak.engine.TestPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine with one runner thread per stage (live and paced replay). Every test is bounded. */
class ThreadedRunTest {

    @TempDir
    Path runs;

    private static TestPlans live(String name) {
        TestPlans p = new TestPlans();
        p.name = name;
        p.mode = Mode.LIVE;
        p.pace = Pace.REALTIME;
        p.rate = 2000;
        p.health = Duration.ofMillis(500);
        // a generous heartbeat timeout: CPU starvation on a loaded machine must not look like a stall
        p.policy = new io.soak.api.plan.RestartPolicy(Duration.ofMillis(200), 2.0, Duration.ofSeconds(2), 5,
                Duration.ofMinutes(10), Duration.ofSeconds(3));
        return p;
    }

    private static void assertExactlyOnce(Map<String, Object> m) {
        long published = num(m, "bus.topics.raw.published");
        assertThat(published).isPositive();
        assertThat(num(m, "status.processes.count.metrics.seen")).isEqualTo(published);
        assertThat(num(m, "status.processes.count.metrics.duplicates")).isZero();
        assertThat(num(m, "status.processes.count.metrics.seq_gaps")).isZero();
        // a message dropped at the ingress is the only way a running number may be missing
        assertThat(num(m, "status.processes.count.metrics.gaps")).isEqualTo(num(m, "harvester_metrics.queue_dropped"));
        assertThat(num(m, "shutdown.residual_total")).isZero();
    }

    @Test
    void liveRunRestartsKilledStageWithinBackoffAndLosesNothing() {
        TestPlans p = live("live-kill");
        p.duration = Duration.ofSeconds(3);
        p.fault(Duration.ofSeconds(1), "kill", "pass2", Duration.ZERO);
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new SoakRun(p.plan(),
                TestPlans.registry(), List.of(), EngineOptions.of(runs).withRunId(p.name)).run());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(1);
        assertThat(m.get("restart_backoff_pattern")).hasToString("[200]");
        assertThat(num(m, "status.processes.pass2.max_recovery_ms")).isBetween(200L, 2000L);
        assertThat(at(m, "shutdown.sequence")).isEqualTo(List.of("count", "pass4", "pass3", "pass2", "pass1"));
        assertExactlyOnce(m);
    }

    @Test
    void liveStageWhoseFactoryIsRemovedAndAddedBackAtOnceIsRestartedOnItWithItsState() {
        TestPlans p = live("live-bounce");
        p.duration = Duration.ofHours(1);
        Registry r = TestPlans.registry();
        var pass2 = r.stage("pass2").orElseThrow();
        SoakRun run = new SoakRun(p.plan(), r, List.of(), EngineOptions.of(runs).withRunId(p.name));
        CompletableFuture<RunOutcome> f = CompletableFuture.supplyAsync(run::run);
        await().atMost(Duration.ofSeconds(20)).until(() -> run.status().stages().stream()
                .filter(s -> s.stage().equals("count")).anyMatch(s -> s.handled() > 1000));
        // a bundle restart faster than the engine's control thread: both events are queued before it looks
        r.removeStage(pass2);
        r.addStage(pass2);
        await().atMost(Duration.ofSeconds(20)).until(() -> run.status().stages().stream()
                .anyMatch(s -> s.stage().equals("pass2") && s.restartCount() == 1 && s.state().equals("running")));
        run.requestStop("SIGTERM");
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> f.join());
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "status.processes.pass2.restarts.0.cause")).isEqualTo("factory_removed");
        assertThat(num(m, "status.processes.pass2.metrics.restored_passed")).isPositive();
        assertExactlyOnce(m);
    }

    @Test
    void requestStopDrainsAndStopsInOrder() {
        TestPlans p = live("live-stop");
        p.duration = Duration.ofHours(1);
        SoakRun run = new SoakRun(p.plan(), TestPlans.registry(), List.of(),
                EngineOptions.of(runs).withRunId(p.name));
        CompletableFuture<RunOutcome> f = CompletableFuture.supplyAsync(run::run);
        await().atMost(Duration.ofSeconds(20)).until(() -> run.status().stages().stream()
                .filter(s -> s.stage().equals("count")).anyMatch(s -> s.handled() > 1000));
        String effect = run.inject(new FaultSpec(Duration.ZERO, "crash", "pass3", Duration.ZERO, Map.of()));
        assertThat(effect).contains("throws");
        await().atMost(Duration.ofSeconds(20)).until(() -> run.status().stages().stream()
                .anyMatch(s -> s.stage().equals("pass3") && s.restartCount() == 1 && s.state().equals("running")));
        run.requestStop("SIGTERM");
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> f.join());
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "end_reason")).isEqualTo("SIGTERM");
        assertThat(at(m, "shutdown.clean")).isEqualTo(true);
        assertThat(at(m, "status.processes.pass3.restarts.0.cause")).isEqualTo("crash");
        assertExactlyOnce(m);
    }

    @Test
    void hungRunnerIsDetectedByHeartbeatAndRestarted() {
        TestPlans p = live("live-hang");
        p.duration = Duration.ofSeconds(7);
        p.fault(Duration.ofSeconds(1), "hang", "pass2", Duration.ofSeconds(60));
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new SoakRun(p.plan(),
                TestPlans.registry(), List.of(), EngineOptions.of(runs).withRunId(p.name)).run());
        Map<String, Object> m = out.manifest();
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(1);
        assertThat((String) at(m, "status.processes.pass2.restarts.0.cause")).startsWith("heartbeat_stall");
        assertExactlyOnce(m);
    }

    @Test
    void pacedReplayFollowsTheRecordingClockScaled() {
        TestPlans p = new TestPlans();
        p.name = "paced";
        p.pace = Pace.parse("20x");
        p.duration = Duration.ofSeconds(40);
        p.rate = 500;
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new SoakRun(p.plan(),
                TestPlans.registry(), List.of(), EngineOptions.of(runs).withRunId(p.name)).run());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).isZero();
        // paced, not as fast as possible: 40 s of recording at 20x take at least 2 s
        assertThat((double) at(m, "wall_time_s")).isBetween(1.5, 25.0);
        assertThat(num(m, "health.ticks")).isEqualTo(4);
        assertExactlyOnce(m);
    }

    @Test
    void stageTimersRunOnTheRunnerInPacedReplay() {
        TestPlans p = new TestPlans();
        p.name = "paced-minutes";
        p.pace = Pace.parse("60x");
        p.duration = Duration.ofMinutes(3);
        p.rate = 10;
        p.stages = List.of("minuter");
        Registry r = TestPlans.registry();
        r.addStage(new MinuteObservationTest.Minuter());
        List<Integer> rowsPerMinute = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunExtension ext = new RunExtension() {
            @Override
            public String name() {
                return "minutes";
            }

            @Override
            public void onMinute(RunContext run, List<io.soak.api.stats.MinuteStats> minute) {
                rowsPerMinute.add(minute.size());
            }
        };
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> new SoakRun(p.plan(), r, List.of(ext), EngineOptions.of(runs).withRunId(p.name)).run());
        assertThat(out.exitCode()).isZero();
        assertThat(rowsPerMinute).hasSizeBetween(2, 3).containsOnly(3);
    }
}
