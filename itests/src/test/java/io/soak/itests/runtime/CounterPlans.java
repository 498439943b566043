package io.soak.itests.runtime;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plans over the test-stages bundle: the {@code counter} feed (running numbers) → pass1 → pass2 → pass3 →
 * pass4 → count. The count stage checks that numbers and seqs arrive complete, once and in order; its
 * counters are read at the end of the run by {@link CountFacts}.
 */
final class CounterPlans {

    static final List<String> CHAIN = List.of("pass1", "pass2", "pass3", "pass4", "count");

    Mode mode = Mode.REPLAY;
    Pace pace = Pace.MAX;
    Duration duration = Duration.ofSeconds(60);
    double rate = 1000;
    Long count;
    RestartPolicy policy = new RestartPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 5,
            Duration.ofMinutes(10), Duration.ofSeconds(5));
    final List<FaultSpec> faults = new ArrayList<>();
    final Map<String, Object> config = new TreeMap<>();
    List<String> sinks = List.of();

    CounterPlans fault(Duration at, String kind, String target) {
        faults.add(new FaultSpec(at, kind, target, Duration.ZERO, Map.of()));
        return this;
    }

    ScenarioPlan plan(String name) {
        Map<String, Object> settings = new TreeMap<>();
        settings.put("rate", rate);
        if (count != null) {
            settings.put("count", count);
        }
        SourceSpec source = new SourceSpec("counter", List.of("TEST"), List.of(), "", List.of(), false, Map.of(),
                Map.of(), settings);
        return new ScenarioPlan(name, "<itest>", "0".repeat(64), mode, pace, 7, duration, source, CHAIN, sinks,
                Duration.ofSeconds(1), policy, new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(),
                faults, expectations(), config, "UTC");
    }

    /** A finite counter feed ends before the planned duration on purpose: such plans waive run_completed. */
    private List<io.soak.api.plan.Criterion> expectations() {
        return count == null ? List.of() : List.of(new io.soak.api.plan.Criterion("waive.run_completed", "baseline",
                "waive", "run_completed", "a finite counter feed (" + count + " numbers) ends before the duration"));
    }

    /** A dotted path into a manifest tree (list elements by index). */
    static Object at(Map<String, Object> tree, String path) {
        return io.soak.testing.fakes.ManifestTree.at(tree, path);
    }

    static long num(Map<String, Object> tree, String path) {
        Object v = at(tree, path);
        return v == null ? -1 : ((Number) v).longValue();
    }

    /** A list in the manifest as numbers. */
    static List<Long> longs(Map<String, Object> tree, String path) {
        Object v = at(tree, path);
        return v == null ? List.of() : ((List<?>) v).stream().map(o -> ((Number) o).longValue()).toList();
    }

    /** A list in the manifest. */
    static List<Object> list(Map<String, Object> tree, String path) {
        Object v = at(tree, path);
        return v == null ? List.of() : List.copyOf((List<?>) v);
    }

    /** Reads the count stage's own counters from the engine when the run is over. */
    static final class CountFacts implements RunExtension {
        final Map<String, Long> counters = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "count-facts";
        }

        @Override
        public void afterRun(RunContext run, Map<String, Object> manifest) {
            var m = run.metrics("count");
            for (String c : List.of("seen", "gaps", "duplicates", "seq_gaps", "seq_duplicates", "not_counter")) {
                counters.put(c, m.counter(c));
            }
        }

        long get(String name) {
            return counters.getOrDefault(name, -1L);
        }
    }
}
