package io.soak.itests.runtime;

import static io.soak.itests.runtime.CounterPlans.at;
import static io.soak.itests.runtime.CounterPlans.list;
import static io.soak.itests.runtime.CounterPlans.longs;
import static io.soak.itests.runtime.CounterPlans.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.engine.RunStatus;
import io.soak.engine.SoakRun;
import io.soak.itests.runtime.CounterPlans.CountFacts;
import io.soak.testing.SoakHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's supervision with its stages coming from a real OSGi bundle (test-stages) in the real Felix host:
 * kills and restarts with backoff, a bundle stopped from outside, giving up, ordered shutdown. Every number the
 * counter feed produces must reach the count stage once, in order, with gap-free seqs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SupervisionThroughFelixIT {

    private static final String TEST_STAGES = "io.soak.soak-test-stages";

    @RegisterExtension
    final SoakHost host = SoakHost.builder().bundles("soak-test-stages")
            .awaitStages("pass1", "pass2", "pass3", "pass4", "count")
            .await(Registry.REPLAY, "counter").await(Registry.FEED, "counter")
            .build();

    @Test
    void killedMidPipelineStageRestartsAfterItsBackoffWithoutLosingOrDuplicatingEvents() {
        CounterPlans p = new CounterPlans();
        p.count = 20_000L;
        p.fault(Duration.ofSeconds(5), "kill", "pass2");
        CountFacts facts = new CountFacts();

        RunOutcome outcome = host.newRun(p.plan("kill-mid-pipeline"), io.soak.api.stage.Settings.empty(), null,
                List.of(facts)).run();

        Map<String, Object> m = outcome.manifest();
        assertThat(outcome.exitCode()).as("%s", outcome.failures()).isZero();
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(1);
        assertThat(longs(m, "restart_backoff_pattern")).containsExactly(500L);
        assertThat(num(m, "status.processes.pass2.restarts.0.backoff_ms")).isEqualTo(500);
        assertThat(num(m, "status.processes.pass2.max_recovery_ms")).isBetween(500L, 1_500L);
        assertThat(((Map<?, ?>) at(m, "versions.bundles")).keySet().stream().map(String::valueOf).toList()).contains(TEST_STAGES);
        assertEveryNumberArrivedOnce(m, facts, 20_000);
    }

    @Test
    void stageBundleStoppedFromOutsideIsTreatedAsAFailureAndStartedAgain() throws Exception {
        CounterPlans p = new CounterPlans();
        p.pace = Pace.parse("1x");
        p.rate = 400;
        p.duration = Duration.ofSeconds(90);
        CountFacts facts = new CountFacts();
        SoakRun run = host.newRun(p.plan("bundle-stopped"), io.soak.api.stage.Settings.empty(), null, List.of(facts));
        CompletableFuture<RunOutcome> running = CompletableFuture.supplyAsync(run::run);

        await().atMost(Duration.ofSeconds(30)).until(() -> handled(run, "count") > 200);
        host.stopBundle(TEST_STAGES);
        long before = handled(run, "count");

        await().atMost(Duration.ofSeconds(30)).until(() -> host.bundleState(TEST_STAGES).equals("ACTIVE"));
        await().atMost(Duration.ofSeconds(30)).until(() -> allRunning(run) && handled(run, "count") > before + 200);
        run.requestStop("test done");
        RunOutcome outcome = running.get(60, TimeUnit.SECONDS);

        Map<String, Object> m = outcome.manifest();
        for (String stage : CounterPlans.CHAIN) {
            assertThat(num(m, "status.processes." + stage + ".restart_count")).as(stage).isGreaterThanOrEqualTo(1);
            assertThat(at(m, "status.processes." + stage + ".restarts.0.cause")).as(stage).isEqualTo("factory_removed");
        }
        assertThat((List<?>) at(m, "faults")).isNotEmpty();
        assertEveryNumberArrivedOnce(m, facts, -1);
    }

    @Test
    void givesUpOnAStageAfterTheConfiguredNumberOfRestarts() {
        CounterPlans p = new CounterPlans();
        p.count = 2_000L;
        p.policy = new RestartPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 3, Duration.ofMinutes(10),
                Duration.ofSeconds(5));
        p.config.put("pass2.fail_on", "100"); // a poison message: pass2 throws on it at every delivery

        RunOutcome outcome = host.newRun(p.plan("give-up")).run();

        Map<String, Object> m = outcome.manifest();
        assertThat(at(m, "status.processes.pass2.state")).isEqualTo("failed");
        assertThat(num(m, "status.processes.pass2.restart_count")).isEqualTo(3);
        assertThat(longs(m, "restart_backoff_pattern")).containsExactly(500L, 1000L, 2000L);
        List<?> restarts = (List<?>) at(m, "status.processes.pass2.restarts");
        assertThat(restarts).hasSize(4);
        assertThat(at(m, "status.processes.pass2.restarts.3.gave_up")).isEqualTo(true);
        assertThat(at(m, "status.processes.pass1.state")).isNotEqualTo("failed");
    }

    @Test
    void orderedShutdownStopsStagesDownstreamFirstWithEveryQueueDrained() throws Exception {
        CounterPlans p = new CounterPlans();
        p.pace = Pace.parse("1x");
        p.rate = 500;
        p.duration = Duration.ofSeconds(90);
        CountFacts facts = new CountFacts();
        SoakRun run = host.newRun(p.plan("ordered-shutdown"), io.soak.api.stage.Settings.empty(), null, List.of(facts));
        CompletableFuture<RunOutcome> running = CompletableFuture.supplyAsync(run::run);
        await().atMost(Duration.ofSeconds(30)).until(() -> handled(run, "count") > 500);

        run.requestStop("ordered shutdown test");
        RunOutcome outcome = running.get(60, TimeUnit.SECONDS);

        Map<String, Object> m = outcome.manifest();
        assertThat(list(m, "shutdown.sequence")).containsExactly("count", "pass4", "pass3", "pass2", "pass1");
        assertThat(num(m, "shutdown.residual_total")).isZero();
        assertThat(at(m, "shutdown.clean")).isEqualTo(true);
        for (int i = 0; i < CounterPlans.CHAIN.size(); i++) {
            assertThat(at(m, "shutdown_order." + i + ".drained")).as("stage %s", at(m, "shutdown_order." + i + ".stage"))
                    .isEqualTo(true);
        }
        assertEveryNumberArrivedOnce(m, facts, -1);
        assertThat(num(m, "status.processes.count.handled")).isEqualTo(num(m, "status.processes.pass1.handled"));
    }

    static long handled(SoakRun run, String stage) {
        try {
            return run.status().stages().stream().filter(s -> s.stage().equals(stage)).mapToLong(RunStatus.StageStatus::handled)
                    .findFirst().orElse(0);
        } catch (RuntimeException e) {
            return 0; // not started yet
        }
    }

    static boolean allRunning(SoakRun run) {
        return run.status().stages().stream().allMatch(s -> s.state().equals("running"));
    }

    /**
     * Nothing lost or duplicated on the way: every topic of the chain published exactly as many events as the
     * feed put on {@code raw}, nothing dropped, and the count stage saw every number once in order.
     */
    static void assertEveryNumberArrivedOnce(Map<String, Object> m, CountFacts facts, long expected) {
        long raw = num(m, "bus.topics.raw.published");
        for (String topic : List.of("t1", "t2", "t3", "t4")) {
            assertThat(num(m, "bus.topics." + topic + ".published")).as("published on %s", topic).isEqualTo(raw);
            assertThat(num(m, "bus.topics." + topic + ".dropped")).as("dropped on %s", topic).isZero();
        }
        assertThat(num(m, "bus.topics.raw.dropped")).isZero();
        if (expected >= 0) {
            assertThat(raw).isEqualTo(expected);
            assertThat(facts.get("seen")).isEqualTo(expected);
        } else {
            assertThat(facts.get("seen")).isPositive();
        }
        assertThat(facts.get("gaps")).as("numbers lost").isZero();
        assertThat(facts.get("duplicates")).as("numbers duplicated").isZero();
        assertThat(facts.get("seq_gaps")).as("seq gaps").isZero();
        assertThat(facts.get("seq_duplicates")).as("seq duplicates").isZero();
        assertThat(facts.get("not_counter")).isZero();
    }
}
