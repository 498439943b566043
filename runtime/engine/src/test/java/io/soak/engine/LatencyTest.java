package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static io.soak.engine.TestPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.teststages.internal.PassFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end latency (issue 16): the engine's histograms from the source's receipt stamp to the commit of a
 * decision row in every sink, per hop and total, in live and paced runs; not reported at max pace; usable as a
 * criterion ({@code latency.total.p99_ms}). Pipeline: counter feed → {@code h} (raw → market) → {@code s}
 * (market → decision) → sink {@code mem}.
 */
class LatencyTest {

    @TempDir
    Path runs;

    private static TestPlans plan(String name, Mode mode, Pace pace) {
        TestPlans p = new TestPlans();
        p.name = name;
        p.mode = mode;
        p.pace = pace;
        p.rate = 500;
        p.duration = Duration.ofSeconds(2);
        p.health = Duration.ofMillis(500);
        p.stages = List.of("h", "s");
        p.sinks = List.of("mem");
        p.config.put("sinks.topics", List.of("decision"));
        p.policy = new io.soak.api.plan.RestartPolicy(Duration.ofMillis(200), 2.0, Duration.ofSeconds(2), 5,
                Duration.ofMinutes(10), Duration.ofSeconds(5));
        return p;
    }

    private RunOutcome run(TestPlans p, MemorySink mem) {
        Registry r = TestPlans.registry();
        r.addStage(new PassFactory("h", "raw", "market"));
        r.addStage(new PassFactory("s", "market", "decision"));
        r.addSink(mem);
        return assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new SoakRun(p.plan(), r, List.of(), EngineOptions.of(runs).withRunId(p.name)).run());
    }

    private static double ms(Map<String, Object> m, String path) {
        return ((Number) at(m, path)).doubleValue();
    }

    private static void assertOrdered(Map<String, Object> m, String hist) {
        assertThat(ms(m, hist + ".p50_ms")).isGreaterThanOrEqualTo(0.0)
                .isLessThanOrEqualTo(ms(m, hist + ".p99_ms"));
        assertThat(ms(m, hist + ".p99_ms")).isLessThanOrEqualTo(ms(m, hist + ".p999_ms"));
        assertThat(ms(m, hist + ".p999_ms")).isLessThanOrEqualTo(ms(m, hist + ".max_ms"));
    }

    @Test
    void liveRunRecordsEveryHopAndTheTotalForEveryCommittedDecision() {
        MemorySink mem = new MemorySink();
        RunOutcome out = run(plan("latency-live", Mode.LIVE, Pace.REALTIME), mem);
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        long decisions = num(m, "bus.topics.decision.published");
        assertThat(decisions).isPositive();
        assertThat(mem.committed.get("decision")).hasSize((int) decisions);
        assertThat(at(m, "latency.mode")).isEqualTo("live");
        // every decision descends from a received message: each hop saw each of them once
        assertThat(num(m, "latency.total.count")).isEqualTo(decisions);
        for (String h : List.of("receive_to_handled.s", "receive_to_published.decision", "handled_to_published.decision",
                "published_to_committed.mem", "receive_to_committed.mem")) {
            assertThat(num(m, "latency.hops." + h + ".count")).as(h).isEqualTo(decisions);
            assertOrdered(m, "latency.hops." + h);
        }
        assertThat(num(m, "latency.hops.receive_to_handled.h.count")).isEqualTo(num(m, "bus.topics.raw.published"));
        assertOrdered(m, "latency.total");
        // a later stamp cannot be earlier than the one before it (same clock, same event; 1 % histogram precision)
        assertThat(ms(m, "latency.total.max_ms")).isGreaterThanOrEqualTo(
                ms(m, "latency.hops.receive_to_handled.s.max_ms") * 0.98 - 0.01);
    }

    @Test
    void theCommitCadenceShowsInTheFigureAndTheCriterionFailsOnIt() {
        // without group commit a row waits for the next 500 ms commit: the total sees it, a 100 ms criterion fails
        TestPlans p = plan("latency-slow-commit", Mode.LIVE, Pace.REALTIME);
        p.config.put("sinks.group_commit", false);
        p.config.put("sinks.commit_interval_ms", 500);
        p.expect.add(new Criterion("latency_p99_ms", "latency.total.p99_ms", "<", 100L, "p99 below 100 ms"));
        RunOutcome out = run(p, new MemorySink());
        Map<String, Object> m = out.manifest();
        assertThat(ms(m, "latency.total.p99_ms")).isGreaterThan(250.0);
        assertThat(out.exitCode()).isEqualTo(1);
        assertThat(out.failures()).anyMatch(f -> f.startsWith("latency_p99_ms: expected latency.total.p99_ms < 100"));
    }

    @Test
    void groupCommitCommitsAsSoonAsTheWriterIsIdleAndTheCriterionPasses() {
        // a commit interval longer than the run: only group commit makes rows durable during the run
        TestPlans p = plan("latency-group-commit", Mode.LIVE, Pace.REALTIME);
        p.config.put("sinks.commit_interval_ms", 60_000);
        p.expect.add(new Criterion("latency_p99_ms", "latency.total.p99_ms", "<", 10_000L, "p99 below 10 s"));
        RunOutcome out = run(p, new MemorySink());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat(num(m, "sinks.mem.commits")).isGreaterThan(2);
        assertThat(num(m, "latency.total.count")).isEqualTo(num(m, "bus.topics.decision.published"));
    }

    @Test
    void pacedReplayReportsWallLatency() {
        TestPlans p = plan("latency-paced", Mode.REPLAY, Pace.parse("20x"));
        p.duration = Duration.ofSeconds(40);
        RunOutcome out = run(p, new MemorySink());
        Map<String, Object> m = out.manifest();
        assertThat(out.exitCode()).as(String.join("\n", out.failures())).isZero();
        assertThat(at(m, "latency.mode")).isEqualTo("paced 20x");
        assertThat(num(m, "latency.total.count")).isEqualTo(num(m, "bus.topics.decision.published")).isPositive();
        assertOrdered(m, "latency.total");
    }

    @Test
    void maxPaceSimulationReportsNoLatencyAndTheCriterionCannotPass() {
        TestPlans p = plan("latency-max", Mode.REPLAY, Pace.MAX);
        p.duration = Duration.ofSeconds(30);
        p.expect.add(new Criterion("latency_p99_ms", "latency.total.p99_ms", "<", 50L, "p99 below 50 ms"));
        RunOutcome out = run(p, new MemorySink());
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "latency")).isEqualTo(Map.of("mode", "n/a (max-pace)"));
        assertThat(out.failures()).anyMatch(f -> f.contains("latency.total.p99_ms < 50, observed missing"));
    }
}
