package io.soak.benchmarks.signal;

import io.soak.api.market.MarketEvent;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.Topics;
import io.soak.signal.internal.SignalStageFactory;
import io.soak.signal.testkit.RecordedMarket;
import io.soak.testing.fakes.FakeStageContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signal stage's hot path over the real recordings (shared/data/binance-usdm, both symbols, 168,594
 * market events), pre-parsed into api events and envelopes: parsing is excluded. One invocation feeds the
 * whole recording to a fresh stage; the score is per market event.
 *
 * <p>{@code intervalMs=250} is the production cadence; {@code intervalMs=0} evaluates (two z-scores, guards, a
 * Decision) on every trade, to show the cost of the robust window. {@code zMethod} rank: two binary searches and
 * an inverse normal per z; mad: median and MAD walk.
 *
 * <p>Run: {@code java -Dsoak.shared.data=/work/shared/data -jar benchmarks/target/benchmarks.jar SignalStage -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseSerialGC"})
public class SignalStageBenchmark {

    /** Events in the two recordings; asserted in setup so the per-event score stays honest. */
    static final int EVENTS = 168_594;

    @Param({"250", "0"})
    public long intervalMs;

    /** {@code signal.z.method}: rank (the calibrated default, issue #14) or mad (DOMAIN.md's estimator). */
    @Param({"rank", "mad"})
    public String zMethod;

    private Envelope[] envelopes;
    private Stage stage;
    private FakeStageContext context;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path dir = RecordedMarket.dataDirectory().orElseThrow(() -> new IllegalStateException(
                "recorded data not found: run with -Dsoak.shared.data=/path/to/shared/data"));
        List<MarketEvent> events = RecordedMarket.load(dir);
        if (events.size() != EVENTS) {
            throw new IllegalStateException("expected " + EVENTS + " events, the converter gave " + events.size());
        }
        envelopes = new Envelope[events.size()];
        for (int i = 0; i < envelopes.length; i++) {
            MarketEvent e = events.get(i);
            envelopes[i] = new Envelope(Topics.MARKET, i + 1, e.receivedNanos(), e);
        }
    }

    @Setup(Level.Invocation)
    public void freshStage() throws Exception {
        context = new FakeStageContext(Map.of("decision.interval_ms", intervalMs, "z.method", zMethod), 1L, null);
        stage = new SignalStageFactory().create();
        stage.start(context);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int replayRecording() throws Exception {
        Stage s = stage;
        for (Envelope e : envelopes) {
            s.handle(e);
        }
        return context.emitted().size();
    }
}
