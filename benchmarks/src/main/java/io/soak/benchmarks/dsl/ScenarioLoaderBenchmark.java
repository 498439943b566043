package io.soak.benchmarks.dsl;

import io.soak.api.plan.ScenarioPlan;
import io.soak.dsl.ScenarioLoader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a scenario costs to evaluate: the first evaluation in a fresh JVM (Groovy class loading, what
 * {@code soak run} pays once), a re-evaluation of a script already compiled (the shell's {@code validate}),
 * and an evaluation that compiles a changed script. Run: {@code java -jar benchmarks/target/benchmarks.jar dsl}.
 */
@State(Scope.Benchmark)
public class ScenarioLoaderBenchmark {

    static final String SCRIPT = """
            soak {
              name 'bench'
              duration 60.minutes
              source { type 'synthetic'; symbols 'BTCUSDT', 'ETHUSDT' }
              sink 'dual'
              alerts { standard(); rule('low_consistency') { threshold 0.8 } }
              faults { at 30.minutes, kill: 'signal'; at 40.minutes, hang: 'broker', for: 20.seconds }
              config { set 'signal.z.window', 300 }
              expect {
                healthGreenRatio atLeast: 0.98
                restartWithin 'signal', seconds: 12
                harvester queueDropped: 0, substreamTimeout: false, reconnectsAtMost: 3
                parity within: 0.5
                metric 'bus.topics.decision.published', '>', 0
              }
            }
            """;

    private long edits;

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(3)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public ScenarioPlan firstEvaluationInAFreshJvm() {
        return ScenarioLoader.load(SCRIPT, "bench.groovy", Map.of());
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Fork(1)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public ScenarioPlan reEvaluateCompiledScript() {
        return ScenarioLoader.load(SCRIPT, "bench.groovy", Map.of());
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(1)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public ScenarioPlan evaluateChangedScript() {
        return ScenarioLoader.load(SCRIPT + "// edit " + (edits++) + "\n", "bench.groovy", Map.of());
    }
}
