package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static io.soak.engine.TestPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.sink.Row;
import io.soak.teststages.internal.PassFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine in simulation (replay at max pace): virtual clock, deterministic, no waiting. */
class SimulatedRunTest {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedRunTest.class);

    @TempDir
    Path runs;

    private RunOutcome run(TestPlans p, Registry registry, List<RunExtension> ext) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new SoakRun(p.plan(), registry, ext, EngineOptions.of(runs).withRunId(p.name)).run());
    }

    private RunOutcome run(TestPlans p) {
        return run(p, TestPlans.registry(), List.of());
    }

    private static void assertNothingLostOrDuplicated(Map<String, Object> m) {
        long published = num(m, "bus.topics.raw.published");
        assertThat(published).isGreaterThan(0);
        assertThat(num(m, "bus.topics.t4.published")).isEqualTo(published);
        Map<?, ?> count = (Map<?, ?>) m.get("count");
        assertThat(count).as("manifest section of the count stage is not standard; read its status").isNull();
        assertThat(num(m, "status.processes.count.handled")).isEqualTo(published);
    }

    private static void assertCountedExactlyOnce(Map<String, Object> m) {
        assertNothingLostOrDuplicated(m);
        long published = num(m, "bus.topics.raw.published");
        assertThat(num(m, "status.processes.count.metrics.seen")).isEqualTo(published);
        assertThat(num(m, "status.processes.count.metrics.duplicates")).isZero();
        assertThat(num(m, "status.processes.count.metrics.gaps")).isZero();
        assertThat(num(m, "status.processes.count.metrics.seq_gaps")).isZero();
        assertThat(num(m, "status.processes.count.metrics.seq_duplicates")).isZero();
        assertThat(num(m, "shutdown.residual_total")).isZero();
    }

    @Test
    void restartsKilledMidPipelineStageWithBackoffAndLosesNothing() {
        TestPlans p = new TestPlans();
        p.name = "kill";
        p.fault(Duration.ofSeconds(30), "kill", "pass2", Duration.ZERO);
        RunOutcome out = run(p, TestPlans.registry(), List.of());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).isZero();
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(1);
        assertThat(m.get("restart_backoff_pattern")).hasToString("[500]");
        assertThat(at(m, "status.processes.pass2.restarts.0.cause")).isEqualTo("kill");
        assertThat(num(m, "status.processes.pass2.restarts.0.recovery_ms")).isBetween(500L, 600L);
        assertThat(at(m, "status.processes.pass2.state")).isEqualTo("stopped");
        assertThat(at(m, "faults.0.kind")).isEqualTo("kill");
        assertThat((String) at(m, "faults.0.effect")).contains("recovered in");
        assertCountedExactlyOnce(m);
    }

    @Test
    void crashFaultRestartsStageAndRedeliversTheEvent() {
        TestPlans p = new TestPlans();
        p.name = "crash";
        p.fault(Duration.ofSeconds(10), "crash", "pass3", Duration.ZERO);
        RunOutcome out = run(p, TestPlans.registry(), List.of());
        Map<String, Object> m = out.manifest();
        assertThat(num(m, "status.processes.pass3.restart_count")).isEqualTo(1);
        assertThat(at(m, "status.processes.pass3.restarts.0.cause")).isEqualTo("crash");
        assertCountedExactlyOnce(m);
    }

    @Test
    void hungStageIsRestartedAfterHeartbeatStall() {
        TestPlans p = new TestPlans();
        p.name = "hang";
        p.fault(Duration.ofSeconds(20), "hang", "pass2", Duration.ofSeconds(120));
        RunOutcome out = run(p, TestPlans.registry(), List.of());
        Map<String, Object> m = out.manifest();
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(1);
        assertThat((String) at(m, "status.processes.pass2.restarts.0.cause")).startsWith("heartbeat_stall");
        assertThat((double) at(m, "health.green_ratio")).isLessThan(1.0);
        assertCountedExactlyOnce(m);
    }

    @Test
    void givesUpAfterMaxRestartsAndMarksStageFailedAndUnhealthy() {
        TestPlans p = new TestPlans();
        p.name = "give-up";
        p.config.put("pass2.fail_on", "500");
        p.policy = new io.soak.api.plan.RestartPolicy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 3,
                Duration.ofMinutes(10), Duration.ofSeconds(5));
        p.expect("pass2_alive", "status.processes.pass2.state", "!=", "failed");
        RunOutcome out = run(p);
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "status.processes.pass2.state")).isEqualTo("failed");
        assertThat(at(m, "status.processes.pass2.health")).isEqualTo("unhealthy");
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(3);
        assertThat(m.get("restart_backoff_pattern")).hasToString("[100, 200, 400]");
        assertThat(at(m, "status.processes.pass2.restarts.3.gave_up")).isEqualTo(true);
        assertThat(out.exitCode()).isEqualTo(1);
        assertThat(out.failures()).singleElement().asString().contains("pass2_alive").contains("'failed'");
    }

    @Test
    void stopsStagesInReversePipelineOrderWithAllQueuesDrained() {
        TestPlans p = new TestPlans();
        p.name = "shutdown";
        p.expect("order", "shutdown_order", "in_order", List.of("count", "pass4", "pass3", "pass2", "pass1"));
        p.expect("clean", "shutdown.clean", "==", true);
        RunOutcome out = run(p);
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat(at(m, "shutdown.sequence")).isEqualTo(List.of("count", "pass4", "pass3", "pass2", "pass1"));
        for (int i = 0; i < 5; i++) {
            assertThat(at(m, "shutdown_order." + i + ".drained")).isEqualTo(true);
            assertThat(num(m, "shutdown_order." + i + ".residual")).isZero();
        }
        assertThat(at(m, "end_reason")).isEqualTo("duration");
    }

    @Test
    void crashedSinkIsReopenedAndRewritesUncommittedRowsWithoutDuplicatesOrGaps() {
        TestPlans p = new TestPlans();
        p.name = "sink-crash";
        p.sinks = List.of("mem");
        p.config.put("sinks.topics", List.of("t4"));
        p.config.put("sinks.batch_rows", 100);
        p.fault(Duration.ofMillis(20_500), "crash", "mem", Duration.ZERO);
        MemorySink mem = new MemorySink();
        Registry r = TestPlans.registry();
        r.addSink(mem);
        RunOutcome out = run(p, r, List.of());
        Map<String, Object> m = out.manifest();
        long published = num(m, "bus.topics.t4.published");
        var rows = mem.committed.get("t4");
        assertThat(rows).hasSize((int) published);
        assertThat(rows.firstKey()).isEqualTo(1L);
        assertThat(rows.lastKey()).isEqualTo(published);
        assertThat(mem.opens.get()).isEqualTo(2);
        assertThat(num(m, "sinks.mem.crashes")).isEqualTo(1);
        assertThat(num(m, "sinks.mem.rows_rewritten")).isPositive();
        // rewritten = the uncommitted rows written before the crash (now twice) plus the batch that failed (once)
        assertThat(mem.writes.values().stream().filter(n -> n > 1).count()).as("rows written twice after the crash")
                .isPositive().isLessThanOrEqualTo(num(m, "sinks.mem.rows_rewritten"));
        Row first = rows.firstEntry().getValue();
        assertThat(first.json()).startsWith("{\"run_id\":\"sink-crash\",\"topic\":\"t4\",\"seq\":1,\"received_nanos\":");
        assertThat(m.get("faults").toString()).contains("sink_restart");
    }

    @Test
    void sixtyMinuteReplayAtMaxPaceFinishesInSecondsWith360HealthTicks() {
        TestPlans p = new TestPlans();
        p.name = "sixty";
        p.duration = Duration.ofMinutes(60);
        p.rate = 100;
        p.fault(Duration.ofMinutes(30), "kill", "pass2", Duration.ZERO);
        p.expect("ticks", "health.ticks", "==", 360);
        p.expect("green", "health.green_ratio", ">=", 0.98);
        long t0 = System.nanoTime();
        RunOutcome out = run(p, TestPlans.registry(), List.of());
        double wall = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = out.manifest();
        LOG.info("60-minute simulated run: {} events through 5 stages in {} s wall", num(m, "bus.topics.raw.published"),
                String.format("%.2f", wall));
        System.out.printf("60-minute simulated run: %d messages through 5 stages in %.2f s wall%n",
                num(m, "bus.topics.raw.published"), wall);
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat(num(m, "health.ticks")).isEqualTo(360);
        assertThat((double) at(m, "duration_s")).isEqualTo(3600.0);
        assertCountedExactlyOnce(m);
    }

    @Test
    void twoRunsWithTheSameSeedProduceIdenticalEventsAndManifests(@TempDir Path other) throws Exception {
        List<Map<String, Object>> manifests = new ArrayList<>();
        List<List<String>> events = new ArrayList<>();
        for (Path root : List.of(runs, other)) {
            TestPlans p = new TestPlans();
            p.name = "same-seed";
            p.sinks = List.of("mem");
            p.config.put("sinks.topics", List.of("t2", "t4"));
            p.fault(Duration.ofSeconds(15), "kill", "pass3", Duration.ZERO);
            p.fault(Duration.ofSeconds(25), "crash", "mem", Duration.ZERO);
            MemorySink mem = new MemorySink();
            Registry r = TestPlans.registry();
            r.addSink(mem);
            RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> new SoakRun(p.plan(), r, List.of(), EngineOptions.of(root).withRunId("same")).run());
            List<String> rows = new ArrayList<>();
            mem.readBack(root).forEach(row -> rows.add(row.topic() + "#" + row.seq() + " " + row.json()));
            events.add(rows);
            manifests.add(withoutWallClock(new ObjectMapper().readValue(
                    Files.readString(root.resolve("same").resolve("run_manifest.json")), Map.class)));
        }
        assertThat(events.get(0)).hasSizeGreaterThan(10_000);
        assertThat(events.get(1)).isEqualTo(events.get(0));
        assertThat(manifests.get(1)).isEqualTo(manifests.get(0));
    }

    /** The fields documented as wall clock (docs/engine.md): the rest must be identical between runs. */
    static Map<String, Object> withoutWallClock(Map<String, Object> m) {
        Map<String, Object> c = new java.util.TreeMap<>(m);
        c.remove("wall_time_s");
        c.remove("resource_usage");
        return c;
    }

    @Test
    void verdictPassesFailsAndReportsMissingPathsWithExitCodes() {
        TestPlans ok = new TestPlans();
        ok.name = "verdict-ok";
        ok.duration = Duration.ofSeconds(30);
        ok.expect("no_drops", "harvester_metrics.queue_dropped", "==", 0);
        ok.expect("ticks", "health.ticks", ">=", 3);
        ok.expect("seq", "bus.topics.t4.published", ">", 1000);
        RunOutcome pass = run(ok);
        assertThat(pass.exitCode()).isZero();
        assertThat(pass.failures()).isEmpty();
        assertThat(at(pass.manifest(), "verdict.passed")).isEqualTo(true);

        TestPlans bad = new TestPlans();
        bad.name = "verdict-bad";
        bad.duration = Duration.ofSeconds(30);
        bad.expect("too_many", "bus.topics.t4.published", "<", 10);
        bad.expect("nothing", "no.such.path", "==", 1);
        RunOutcome fail = run(bad);
        assertThat(fail.exitCode()).isEqualTo(1);
        assertThat(fail.failures()).hasSize(2);
        assertThat(fail.failures().get(1)).contains("nothing").contains("observed missing");
        assertThat(at(fail.manifest(), "verdict.criteria.1.observed")).isEqualTo("missing");
    }

    @Test
    void unknownStageKindIsARuntimeFailureWithExitCode3() {
        TestPlans p = new TestPlans();
        p.name = "broken";
        p.stages = List.of("pass1", "nope");
        RunOutcome out = run(p);
        assertThat(out.exitCode()).isEqualTo(3);
        assertThat(out.failures().get(0)).contains("no stage factory of kind 'nope'");
    }

    @Test
    void manifestOnDiskIsValidJsonAtEveryHealthTickAndAtTheEnd() throws Exception {
        TestPlans p = new TestPlans();
        p.name = "valid-json";
        ObjectMapper mapper = new ObjectMapper();
        AtomicInteger parsed = new AtomicInteger();
        RunExtension reader = new RunExtension() {
            @Override
            public String name() {
                return "reader";
            }

            @Override
            public void onHealthTick(RunContext run, RunStatus status) {
                try {
                    Path f = run.runDirectory().resolve("run_manifest.json");
                    Map<?, ?> tree = mapper.readValue(Files.readString(f), Map.class);
                    assertThat(tree.get("run_id")).isEqualTo("valid-json");
                    parsed.incrementAndGet();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        RunOutcome out = run(p, TestPlans.registry(), List.of(reader));
        assertThat(parsed.get()).isEqualTo(6);
        Map<?, ?> end = mapper.readValue(Files.readString(out.runDirectory().resolve("run_manifest.json")), Map.class);
        assertThat(end.get("verdict")).isNotNull();
        Map<?, ?> source = mapper.readValue(Files.readString(out.runDirectory().resolve("source_manifest.json")), Map.class);
        assertThat(source.get("session_end")).isNotNull();
        assertThat(out.manifest()).doesNotContainKey("extension_errors");
    }

    @Test
    void removedStageFactoryIsRevivedAndTheNewInstanceGetsTheSnapshot() {
        TestPlans p = new TestPlans();
        p.name = "swap";
        Registry r = TestPlans.registry();
        PassFactory original = PassFactory.chain()[1];
        r.removeStage(r.stage("pass2").orElseThrow());
        r.addStage(original);
        RunExtension remover = new RunExtension() {
            int ticks;

            @Override
            public String name() {
                return "remover";
            }

            @Override
            public void onHealthTick(RunContext run, RunStatus status) {
                if (++ticks == 2) {
                    run.registry().removeStage(original);
                }
            }
        };
        StageRevival revival = kind -> r.addStage(new PassFactory.Pass2());
        RunOutcome out = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> new SoakRun(p.plan(), r,
                List.of(remover), EngineOptions.of(runs).withRunId("swap").withRevival(revival)).run());
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "status.processes.pass2.restarts.0.cause")).isEqualTo("factory_removed");
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(1);
        assertThat(at(m, "faults.0.kind")).isEqualTo("swap");
        assertThat((String) at(m, "faults.0.effect")).contains("snapshot restored");
        assertCountedExactlyOnce(m);
    }

    @Test
    void endsEarlyWhenTheReplayFeedIsExhausted() {
        TestPlans p = new TestPlans();
        p.name = "exhausted";
        p.duration = Duration.ofHours(1);
        p.sourceSettings.put("count", 5_000);
        RunOutcome out = run(p, TestPlans.registry(), List.of());
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "end_reason")).isEqualTo("feed_exhausted");
        assertThat(at(m, "source.feed_exhausted")).isEqualTo(true);
        assertThat(num(m, "bus.topics.raw.published")).isEqualTo(5_000);
        assertThat((double) at(m, "duration_s")).isLessThan(6.0);
        assertCountedExactlyOnce(m);
    }

    @Test
    void newFactoryVersionRegisteredOverARunningStageIsSwappedInPlaceWithItsState() {
        TestPlans p = new TestPlans();
        p.name = "upgrade";
        Registry r = TestPlans.registry();
        RunExtension upgrader = new RunExtension() {
            int ticks;

            @Override
            public String name() {
                return "upgrader";
            }

            @Override
            public void onHealthTick(RunContext run, RunStatus status) {
                if (++ticks == 3) {
                    run.registry().addStage(new PassFactory.Pass3());
                }
            }
        };
        RunOutcome out = run(p, r, List.of(upgrader));
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "status.processes.pass3.restarts.0.cause")).isEqualTo("swap");
        assertThat((String) at(m, "faults.0.effect")).contains("new factory").contains("8 bytes of state moved");
        assertThat(at(m, "status.processes.pass3.restarts.0.recovered_at")).isNotNull();
        assertCountedExactlyOnce(m);
    }

    @Test
    void faultsTheEngineDoesNotKnowGoToExtensionsAndUnknownOnesAreRecordedAsNotApplied() {
        TestPlans p = new TestPlans();
        p.name = "ext-faults";
        p.fault(Duration.ofSeconds(10), "timeseries-outage", "file", Duration.ofSeconds(20));
        p.fault(Duration.ofSeconds(12), "nonsense", "x", Duration.ZERO);
        RunExtension outage = new RunExtension() {
            @Override
            public String name() {
                return "outage";
            }

            @Override
            public String onFault(RunContext run, io.soak.api.plan.FaultSpec fault) {
                return fault.kind().equals("timeseries-outage") ? "exports fail for " + fault.duration() : null;
            }
        };
        RunOutcome out = run(p, TestPlans.registry(), List.of(outage));
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).isZero();
        assertThat(at(m, "faults.0.effect")).isEqualTo("exports fail for PT20S");
        assertThat(at(m, "faults.0.end")).isNotNull();
        assertThat((String) at(m, "faults.1.effect")).startsWith("not applied: unknown fault kind 'nonsense'");
    }
}
