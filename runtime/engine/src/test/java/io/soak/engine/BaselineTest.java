package io.soak.engine;

import static io.soak.engine.TestPlans.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.soak.api.plan.Criterion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The baseline criteria on the engine's own runs (virtual time): they pass on a real run and can fail. */
@Timeout(60)
class BaselineTest {

    @TempDir
    Path runs;

    private RunOutcome run(TestPlans p) {
        return new SoakRun(p.plan(), TestPlans.registry(), List.of(), EngineOptions.of(runs).withRunId(p.name)).run();
    }

    @Test
    void aCompleteRunCarriesPassingBaselineCriteriaBesideItsOwn() {
        TestPlans p = new TestPlans();
        p.name = "complete";
        p.expect("count_handled", "status.processes.count.handled", ">", 0);
        RunOutcome out = run(p);
        assertThat(out.exitCode()).as("%s", out.failures()).isZero();
        Map<String, Object> m = out.manifest();
        assertThat(at(m, "verdict.status")).isEqualTo("PASS");
        assertThat(at(m, "baseline.completion.complete")).isEqualTo(true);
        assertThat(at(m, "baseline.completion.reached_s")).isEqualTo(60.0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> criteria = (List<Map<String, Object>>) at(m, "verdict.criteria");
        assertThat(criteria).extracting(c -> c.get("name")).contains("count_handled", "baseline.run_completed",
                "baseline.messages_handled", "baseline.evidence_consistent");
    }

    @Test
    void aRunWhoseFeedEndsEarlyIsIncompleteAndAWaiverWithAReasonAcceptsIt() {
        TestPlans p = new TestPlans();
        p.name = "short-feed";
        p.sourceSettings.put("count", 500); // the counter replay stops after 500 messages: half a second of 60 s
        RunOutcome out = run(p);
        assertThat(out.exitCode()).isEqualTo(1);
        assertThat(out.failures().get(0)).startsWith("INCOMPLETE: the run stopped at ").contains("of 60.0 s planned");
        assertThat(at(out.manifest(), "verdict.status")).isEqualTo("INCOMPLETE");

        TestPlans w = new TestPlans();
        w.name = "short-feed-waived";
        w.sourceSettings.put("count", 500);
        w.expect.add(new Criterion("waive.run_completed", "baseline", "waive", "run_completed", "a finite feed on purpose"));
        RunOutcome waived = run(w);
        assertThat(waived.exitCode()).as("%s", waived.failures()).isZero();
        assertThat(at(waived.manifest(), "verdict.waived.run_completed")).isEqualTo("a finite feed on purpose");
        assertThat(at(waived.manifest(), "baseline.waived.run_completed")).isEqualTo("a finite feed on purpose");
    }

    @Test
    void aRunThatHandledNothingFails() {
        TestPlans p = new TestPlans();
        p.name = "nothing";
        p.sourceSettings.put("count", 0);
        p.expect.add(new Criterion("waive.run_completed", "baseline", "waive", "run_completed", "isolate the next one"));
        RunOutcome out = run(p);
        assertThat(out.exitCode()).isEqualTo(1);
        assertThat(out.failures()).anyMatch(f -> f.startsWith("baseline.messages_handled: expected baseline.messages_handled > 0, observed 0"));
    }
}
