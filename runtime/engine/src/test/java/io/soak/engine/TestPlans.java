package io.soak.engine;

import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.testing.fakes.ManifestTree;
import io.soak.testing.fakes.ReplayFixture;
import io.soak.teststages.internal.CountStage;
import io.soak.teststages.internal.CounterFeedFactory;
import io.soak.teststages.internal.CounterReplayFactory;
import io.soak.teststages.internal.PassFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds plans and registries for the engine tests: counter feed → pass1..pass4 → count. */
final class TestPlans {

    static final List<String> CHAIN = List.of("pass1", "pass2", "pass3", "pass4", "count");

    String name = "engine-test";
    Mode mode = Mode.REPLAY;
    Pace pace = Pace.MAX;
    long seed = 42;
    Duration duration = Duration.ofSeconds(60);
    double rate = 1000;
    List<String> stages = CHAIN;
    List<String> sinks = List.of();
    Duration health = Duration.ofSeconds(10);
    RestartPolicy policy = new RestartPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 5,
            Duration.ofMinutes(10), Duration.ofSeconds(5));
    List<FaultSpec> faults = new ArrayList<>();
    List<Criterion> expect = new ArrayList<>();
    Map<String, Object> config = new TreeMap<>();
    Map<String, Object> sourceSettings = new TreeMap<>();

    TestPlans fault(Duration at, String kind, String target, Duration duration) {
        faults.add(new FaultSpec(at, kind, target, duration, Map.of()));
        return this;
    }

    TestPlans expect(String name, String path, String op, Object expected) {
        expect.add(new Criterion(name, path, op, expected, name));
        return this;
    }

    ScenarioPlan plan() {
        Map<String, Object> s = new TreeMap<>(sourceSettings);
        s.putIfAbsent("rate", rate);
        return ReplayFixture.plan(name, ReplayFixture.source("counter", List.of("aggTrade"), s)).mode(mode).pace(pace)
                .seed(seed).duration(duration).stages(stages).sinks(sinks).health(health).policy(policy).faults(faults)
                .expect(expect).config(config).build();
    }

    static Registry registry() {
        Registry r = new Registry();
        for (PassFactory f : PassFactory.chain()) {
            r.addStage(f);
        }
        r.addStage(new PassFactory.Pass());
        r.addStage(new CountStage());
        r.addReplay(new CounterReplayFactory());
        r.addFeed(new CounterFeedFactory());
        return r;
    }

    /** A dotted path into a manifest tree. */
    static Object at(Map<String, Object> tree, String path) {
        return ManifestTree.at(tree, path);
    }

    static long num(Map<String, Object> tree, String path) {
        return ManifestTree.num(tree, path);
    }
}
