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
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The harvest stage on the recordings as {@link HarvestParseBenchmark} runs it, timed by the thread's CPU time as
 * well as the wall clock: on the shared build machine (load average often above 10) the wall-clock score of JMH
 * varies by a factor of two between runs, the CPU-time figure by ~10 %. Prints the best round after a third of
 * the rounds as warm-up. Run: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar
 * io.soak.benchmarks.parse.HarvestParseCpu depth|all|trade|bookTicker [rounds] [data dir]}.
 */
public final class HarvestParseCpu {
    static long sink;

    private HarvestParseCpu() {
    }

    public static void main(String[] a) throws Exception {
        String kind = a.length > 0 ? a[0] : "depth";
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 15;
        Path dir = Path.of(a.length > 2 ? a[2] : System.getProperty("soak.shared.data", "../shared/data"), "binance-usdm");
        List<Envelope> all = new ArrayList<>();
        try (CaptureReplay r = new CaptureReplay(new CaptureReplay.Options(List.of(dir.resolve("btcusdt_20240808.gz"), dir.resolve("ethusdt_20240808.gz")), List.of(), Map.of(), false, 0))) {
            RawMessage m; long seq = 0;
            while ((m = r.next()) != null) if (kind.equals("all") || m.text().contains("@" + kind)) all.add(new Envelope(Topics.RAW, ++seq, m.receivedNanos(), m));
        }
        var tb = ManagementFactory.getThreadMXBean();
        double bestCpu = 0, bestWall = 0;
        for (int i = 0; i < rounds; i++) {
            Stage stage = new HarvestStageFactory().create();
            stage.start(new Ctx());
            long c0 = tb.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            for (Envelope e : all) stage.handle(e);
            long c1 = tb.getCurrentThreadCpuTime(), w1 = System.nanoTime();
            double cpu = all.size() / ((c1 - c0) / 1e9), wall = all.size() / ((w1 - w0) / 1e9);
            if (i >= rounds / 3) { bestCpu = Math.max(bestCpu, cpu); bestWall = Math.max(bestWall, wall); }
        }
        if (sink == 42) {
            System.out.println(); // keeps the emitted events alive
        }
        System.out.printf(Locale.ROOT, "%s: %d messages, best %.0f msg/CPU-s, best %.0f msg/wall-s (rounds %d, first third warm-up)%n", kind, all.size(), bestCpu, bestWall, rounds);
    }
    static final class Ctx implements StageContext, StageMetrics, Clock, Scheduler {
        final Map<String, long[]> counters = new HashMap<>();
        public String stageName() { return "harvest"; }
        public String runId() { return "bench"; }
        public Mode mode() { return Mode.REPLAY; }
        public long seed() { return 1; }
        public Clock clock() { return this; }
        public Scheduler scheduler() { return this; }
        public Settings config() { return Settings.empty(); }
        public StageMetrics metrics() { return this; }
        public Path runDirectory() { return Path.of("target"); }
        public void emit(String topic, Object payload) { sink += payload.hashCode(); }
        public void add(String name, long delta) { counters.computeIfAbsent(name, k -> new long[1])[0] += delta; }
        public long counter(String name) { long[] c = counters.get(name); return c == null ? 0 : c[0]; }
        public void gauge(String name, double value) { }
        public void fact(String name, Object value) { }
        public long nanos() { return 1_723_161_255_000_000_000L; }
        public Cancellable schedule(long d, Runnable t) { return () -> { }; }
        public Cancellable scheduleAt(long e, Runnable t) { return () -> { }; }
        public Cancellable scheduleAtFixedRate(long i, long p, Runnable t) { return () -> { }; }
    }
}
