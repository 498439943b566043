package io.soak.benchmarks.parse;

import io.soak.api.capture.CaptureReplay;
import io.soak.api.plan.Mode;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Settings;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stage.Topics;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import io.soak.harvest.internal.HarvestStageFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The harvest stage's hot path on one core: the two real recordings (all stream kinds mixed as recorded:
 * bookTicker, trade, depth@0ms diffs and the snapshots), pre-loaded in memory, handled message by message
 * (Jackson streaming parse, per-stream counters, trade dedupe, diff books with sequence checks, event
 * emission into a blackhole). Score × {@link #MESSAGES} = messages/s (JMH prints ops/s per message with
 * {@code @OperationsPerInvocation}). Target ≥ 300 k msg/s. Measured on the shared 2-core build machine under
 * load (load average 3–6): all 303 k ± 74 k msg/s; per kind ≈ 575 k bookTicker, 535 k trade, 39 k depth diffs
 * (a diff carries 100–300 levels; before the ask side was stored best-last it was 12.5 k/s and all 190 k/s).
 * Issue 16: the one-pass diff reader and the hinted book search gave depth diffs +30–50 % per CPU second
 * ({@link HarvestParseCpu}, the steadier figure on a busy machine; docs/benchmarks.md "Depth-diff parsing").
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HarvestParse -f 1 -wi 3 -i 5}; the data directory
 * comes from {@code -Dsoak.shared.data} (default ../shared/data).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 3)
public class HarvestParseBenchmark {

    /** Messages in the two recordings (93,953 + 74,654 stream messages + 2 snapshots). */
    public static final int MESSAGES = 168_609;

    /**
     * {@code all}: every message (the figure that counts). One kind only ({@code -p kind=bookTicker|trade|depth})
     * is for finding the expensive kind: JMH still divides by {@link #MESSAGES}, so multiply its score by
     * (messages of that kind / MESSAGES): bookTicker 120,081, trade 35,389, depth 13,137 (+2 snapshots).
     */
    @Param({"all"})
    public String kind;

    private Envelope[] events;
    private Stage stage;
    private Blackhole hole;

    @Setup(Level.Trial)
    public void load(Blackhole bh) throws Exception {
        this.hole = bh;
        Path dir = Path.of(System.getProperty("soak.shared.data", "../shared/data"), "binance-usdm");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("recorded data not found at " + dir.toAbsolutePath() + " (set -Dsoak.shared.data)");
        }
        List<Envelope> all = new ArrayList<>(MESSAGES);
        try (CaptureReplay r = new CaptureReplay(new CaptureReplay.Options(List.of(dir.resolve("btcusdt_20240808.gz"),
                dir.resolve("ethusdt_20240808.gz")), List.of(), Map.of(), false, 0))) {
            RawMessage m;
            long seq = 0;
            while ((m = r.next()) != null) {
                if (kind.equals("all") || m.text().contains("@" + kind)) {
                    all.add(new Envelope(Topics.RAW, ++seq, m.receivedNanos(), m));
                }
            }
        }
        events = all.toArray(new Envelope[0]);
        if (kind.equals("all") && events.length != MESSAGES) {
            throw new IllegalStateException("expected " + MESSAGES + " messages, read " + events.length);
        }
    }

    @Setup(Level.Invocation)
    public void freshStage() throws Exception {
        stage = new HarvestStageFactory().create();
        stage.start(new BenchContext(hole));
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void handleRecording() throws Exception {
        for (Envelope e : events) {
            stage.handle(e);
        }
    }

    /** A stage context with engine-like counters, a clock that never moves and timers that never fire. */
    static final class BenchContext implements StageContext, StageMetrics, Clock, Scheduler {
        private final Blackhole hole;
        private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

        BenchContext(Blackhole hole) {
            this.hole = hole;
        }

        @Override public String stageName() { return "harvest"; }
        @Override public String runId() { return "bench"; }
        @Override public Mode mode() { return Mode.REPLAY; }
        @Override public long seed() { return 1; }
        @Override public Clock clock() { return this; }
        @Override public Scheduler scheduler() { return this; }
        @Override public Settings config() { return Settings.empty(); }
        @Override public StageMetrics metrics() { return this; }
        @Override public Path runDirectory() { return Path.of("target"); }
        @Override public void emit(String topic, Object payload) { hole.consume(payload); }
        @Override public void add(String name, long delta) { counters.computeIfAbsent(name, k -> new LongAdder()).add(delta); }
        @Override public long counter(String name) { LongAdder a = counters.get(name); return a == null ? 0 : a.sum(); }
        @Override public void gauge(String name, double value) { }
        @Override public void fact(String name, Object value) { hole.consume(value); }
        @Override public long nanos() { return 1_723_161_255_000_000_000L; }
        @Override public Cancellable schedule(long delayNanos, Runnable task) { return () -> { }; }
        @Override public Cancellable scheduleAt(long epochNanos, Runnable task) { return () -> { }; }
        @Override public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) { return () -> { }; }
    }
}
