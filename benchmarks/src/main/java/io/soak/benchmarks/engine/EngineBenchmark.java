package io.soak.benchmarks.engine;

import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageFactory;
import io.soak.engine.EngineOptions;
import io.soak.engine.Registry;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import io.soak.teststages.internal.CounterReplayFactory;
import io.soak.teststages.internal.PassFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        SourceSpec source = new SourceSpec("counter", List.of("BTCUSDT"), List.of(), "", List.of(), false, Map.of(),
                Map.of(), Map.of("rate", 20_000_000, "count", messages));
        return new ScenarioPlan("bench", "<bench>", "0".repeat(64), io.soak.api.plan.Mode.REPLAY, pace, 7,
                Duration.ofHours(1), source, stages, List.of(), Duration.ofSeconds(10), RestartPolicy.defaults(),
                new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(), List.of(), List.of(), Map.of("engine.queues.default", 8192), "UTC");
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
        r.addReplay(new Prebuilt(prebuilt));
        SourceSpec source = new SourceSpec("prebuilt", List.of("BTCUSDT"), List.of(), "", List.of(), false, Map.of(),
                Map.of(), Map.of());
        ScenarioPlan base = plan(Pace.MAX, MESSAGES, List.of("pass1", "pass2", "pass3", "pass4"));
        ScenarioPlan p = new ScenarioPlan(base.name(), base.scriptFile(), base.scriptHash(), base.mode(), base.pace(),
                base.seed(), base.duration(), source, base.stages(), base.sinks(), base.healthInterval(),
                base.restartPolicy(), base.timeseries(), List.of(), List.of(), List.of(), base.config(), "UTC");
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

    /** Replays an array of messages built once. */
    static final class Prebuilt implements io.soak.api.source.ReplayFeedFactory {
        private final io.soak.api.source.RawMessage[] messages;

        Prebuilt(io.soak.api.source.RawMessage[] messages) {
            this.messages = messages;
        }

        @Override
        public String type() {
            return "prebuilt";
        }

        @Override
        public io.soak.api.source.ReplayFeed open(SourceSpec spec, long seed) {
            return new io.soak.api.source.ReplayFeed() {
                int i;

                @Override
                public io.soak.api.source.RawMessage next() {
                    return i < messages.length ? messages[i++] : null;
                }

                @Override
                public void close() {
                }
            };
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
        r.addStage(new FirstEvent(done));
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
    static final class FirstEvent implements StageFactory {
        private final CompletableFuture<Long> done;

        FirstEvent(CompletableFuture<Long> done) {
            this.done = done;
        }

        @Override
        public String kind() {
            return "first";
        }

        @Override
        public Set<String> inputs() {
            return Set.of("raw");
        }

        @Override
        public Set<String> outputs() {
            return Set.of();
        }

        @Override
        public Stage create() {
            return new Stage() {
                @Override
                public void start(StageContext context) {
                }

                @Override
                public void handle(Envelope event) {
                    if (!done.isDone()) {
                        done.complete(System.nanoTime());
                    }
                }
            };
        }
    }
}
