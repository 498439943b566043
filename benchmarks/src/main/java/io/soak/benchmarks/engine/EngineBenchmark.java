package io.soak.benchmarks.engine;

import io.soak.api.plan.Pace;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.StageFactory;
import io.soak.engine.EngineOptions;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import io.soak.testing.fakes.ReplayFixture;
import io.soak.teststages.internal.CounterReplayFactory;
import io.soak.teststages.internal.PassFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Engine throughput: counter messages through four pass-through stages (raw → t1 → t2 → t3 → t4), one
 * whole run per invocation. Score = messages per second; every message is handled by four stages, so
 * stage events per second are four times the score. Also the time from constructing a SoakRun to its
 * first handled event.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EngineBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class EngineBenchmark {

    static final int MESSAGES = 500_000;

    private Path runs;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        runs = Files.createTempDirectory("soak-bench-engine");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(runs)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Registry registry() {
        Registry r = new Registry();
        for (PassFactory f : PassFactory.chain()) {
            r.addStage(f);
        }
        r.addReplay(new CounterReplayFactory());
        return r;
    }

    static ScenarioPlan plan(Pace pace, int messages, List<String> stages) {
        // 20 M messages per second of recording time: the run's duration never cuts the feed short, and a 1x
        // paced feeder never has to wait for the clock
        return ReplayFixture.plan("bench", ReplayFixture.source("counter", List.of(), Map.of("rate", 20_000_000,
                        "count", messages))).pace(pace).seed(7).duration(Duration.ofHours(1)).stages(stages)
                .timeseries(new TimeseriesSpec("none", "", false, Map.of(), Map.of()))
                .config(Map.of("engine.queues.default", 8192)).build();
    }

    private RunOutcome runOnce(Pace pace) {
        SoakRun run = new SoakRun(plan(pace, MESSAGES, List.of("pass1", "pass2", "pass3", "pass4")), registry(), List.of(),
                EngineOptions.of(runs).withRunId("bench-" + (counter++)));
        RunOutcome out = run.run();
        if (out.exitCode() == 3) {
            throw new IllegalStateException(String.join("; ", out.failures()));
        }
        return out;
    }

    /** Simulation (replay at max pace): single-threaded driver, virtual clock. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MESSAGES)
    public Object simulatedFourStages() {
        return runOnce(Pace.MAX);
    }

    /**
     * Threaded mode (one runner per stage, blocking queues), fed by a 1x paced replay of a recording at
     * 20 M messages/s: the feeder is always ahead of the pipeline, so this measures the pipeline. (Pacing faster
     * than ~100x would also scale restart backoffs and heartbeat timeouts, which are engine time.)
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MESSAGES)
    public Object threadedFourStages() {
        return runOnce(Pace.REALTIME);
    }

    /**
     * Simulation over messages built before the run (replay type {@code prebuilt}), so that {@code -prof gc}
     * shows what the engine itself allocates per message (4 hops: raw, t1, t2, t3, t4 = 5 envelopes).
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MESSAGES)
    public Object simulatedFourStagesPrebuiltFeed() {
        Registry r = registry();
        r.addReplay(ReplayFixture.messages("prebuilt", prebuilt));
        ScenarioPlan p = ReplayFixture.plan("bench", ReplayFixture.source("prebuilt", List.of(), Map.of())).seed(7)
                .duration(Duration.ofHours(1)).stages(List.of("pass1", "pass2", "pass3", "pass4"))
                .timeseries(new TimeseriesSpec("none", "", false, Map.of(), Map.of()))
                .config(Map.of("engine.queues.default", 8192)).build();
        return new SoakRun(p, r, List.of(), EngineOptions.of(runs).withRunId("pre-" + (counter++))).run();
    }

    private io.soak.api.source.RawMessage[] prebuilt;

    @Setup(Level.Trial)
    public void buildFeed() {
        prebuilt = new io.soak.api.source.RawMessage[MESSAGES];
        long t0 = 1_704_067_200_000_000_000L;
        for (int i = 0; i < MESSAGES; i++) {
            prebuilt[i] = new io.soak.api.source.RawMessage(t0 + i * 50L, Integer.toString(i + 1));
        }
    }

    /** Time from {@code new SoakRun(...)} to the first event handled by the first stage (simulation and threaded). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 20)
    public long timeToFirstEventThreaded() throws Exception {
        return timeToFirstEvent(new Pace(false, 1.0));
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 20)
    public long timeToFirstEventSimulated() throws Exception {
        return timeToFirstEvent(Pace.MAX);
    }

    private long timeToFirstEvent(Pace pace) throws Exception {
        AtomicLong first = new AtomicLong();
        CompletableFuture<Long> done = new CompletableFuture<>();
        Registry r = registry();
        r.addStage(firstEvent(done));
        long t0 = System.nanoTime();
        SoakRun run = new SoakRun(plan(pace, 1_000, List.of("first")), r, List.of(),
                EngineOptions.of(runs).withRunId("first-" + (counter++)));
        CompletableFuture<RunOutcome> f = CompletableFuture.supplyAsync(run::run);
        long at = done.get(30, TimeUnit.SECONDS);
        run.requestStop("benchmark");
        f.get(30, TimeUnit.SECONDS);
        first.set(at - t0);
        return first.get();
    }

    /** Benchmark probe stage: completes a future with the wall time of its first event (benchmark code, not a bundle). */
    static StageFactory firstEvent(CompletableFuture<Long> done) {
        return ReplayFixture.probe("first", (ctx, e) -> {
            if (!done.isDone()) {
                done.complete(System.nanoTime());
            }
        });
    }
}
