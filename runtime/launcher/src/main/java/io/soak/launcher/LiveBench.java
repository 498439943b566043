package io.soak.launcher;

import io.soak.api.plan.Mode;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.stage.Settings;
import io.soak.engine.EngineOptions;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code soak bench --live}: the latency benchmark. The scenario (default {@code <home>/scenarios/bench-live.groovy}:
 * the feed emulator on 127.0.0.1 serving the recordings at 1x as six symbols, the whole pipeline, both sinks) runs
 * once per load factor: at load N the plan serves 6 × N symbols, the extra ones aliases of the recorded BTCUSDT and
 * ETHUSDT. Each run lasts {@code --minutes}; printed per run: receive → committed p50/p99/p99.9/max (the engine's
 * latency histograms, manifest {@code latency}), the hops, messages/s, process CPU and CPU per thread (sampled
 * every second, so threads that end before the run does are counted too), queue drops, peak RSS and the load
 * average before and after. The emulator runs in the same process: its threads are listed, and the process CPU
 * includes them. Figures are printed, never asserted (goals: p99 ≤ 50 ms at 6 symbols, ≤ 100 ms at 60, no drop).
 */
final class LiveBench {

    private static final double[] GOAL_P99_MS = {50, 100};
    private static final List<String> RECORDED = List.of("BTCUSDT", "ETHUSDT");

    private final BenchCommand cmd;
    private final Launcher launcher;
    private final PrintWriter out;

    LiveBench(BenchCommand cmd, Launcher launcher) {
        this.cmd = cmd;
        this.launcher = launcher;
        this.out = launcher.out();
    }

    int run(ScenarioPlan plan, Path script, Settings defaults) throws Exception {
        if (plan.mode() != Mode.LIVE || !plan.source().usesEmulator()) {
            throw new UserException(Launcher.INVALID, "soak bench --live measures a LIVE run against the feed emulator; "
                    + script + " is " + plan.mode().id() + (plan.source().usesEmulator() ? "" : " without an emulator { }"));
        }
        List<Integer> loads = loads(cmd.liveLoads);
        Duration each = Duration.ofMillis(Math.round(cmd.liveMinutes * 60_000));
        if (each.toMillis() < 1000) {
            throw new UserException(Launcher.INVALID, "--minutes must be at least 1 second of run, got " + cmd.liveMinutes);
        }
        String stamp = io.soak.api.run.RunId.generate("bench-" + plan.name()).value();
        Path storage = Files.createTempDirectory("soak-felix-");
        try (FelixHost host = FelixHost.start(HostConfig.fromHome(launcher.home(), storage))) {
            host.requireFactories(PlanRequirements.of(plan), Duration.ofSeconds(cmd.bundleTimeoutSeconds));
            Map<String, String> versions = new TreeMap<>(host.bundleVersions());
            versions.put("runtime", Manifests.runtimeVersion());
            out.printf(Locale.ROOT, "bench --live %s: loads %s x %d symbols, %s each, streams %s, stages %s, sinks %s (runs under %s)%n",
                    plan.name(), loads, plan.source().symbols().size(), PlanSummary.human(each), plan.source().streams(),
                    plan.stages(), plan.sinks(), cmd.runsDir);
            out.flush();
            int exit = 0;
            List<String> summary = new ArrayList<>();
            for (int i = 0; i < loads.size(); i++) {
                int load = loads.get(i);
                ScenarioPlan p = scaled(plan, load, each);
                String loadAvg0 = loadAverage();
                Measured m = measure(host, p, defaults, versions, stamp + "-x" + load);
                String loadAvg1 = loadAverage();
                print(load, p, m, loadAvg0, loadAvg1);
                double goal = GOAL_P99_MS[Math.min(i, GOAL_P99_MS.length - 1)];
                if (load == 1) {
                    goal = GOAL_P99_MS[0];
                } else if (load >= 10) {
                    goal = GOAL_P99_MS[1];
                }
                Object p99 = at(m.outcome.manifest(), "latency.total.p99_ms");
                long drops = drops(m.outcome.manifest());
                boolean met = p99 instanceof Number n && n.doubleValue() <= goal && drops == 0;
                summary.add(String.format(Locale.ROOT, "x%-3d %3d symbols  receive → committed p99 %s ms (goal <= %.0f ms, no drop: %s)  drops %d  cpu %.0f%% of a core",
                        load, p.source().symbols().size(), show(p99), goal, met ? "met" : "MISSED", drops, 100 * m.cpuS / m.wallS));
                exit = Math.max(exit, m.outcome.exitCode());
            }
            out.println("-- summary");
            summary.forEach(out::println);
            out.flush();
            return exit;
        }
    }

    static List<Integer> loads(String text) throws UserException {
        List<Integer> out = new ArrayList<>();
        for (String s : text.split(",")) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n < 1 || n > 50) {
                    throw new NumberFormatException();
                }
                out.add(n);
            } catch (NumberFormatException e) {
                throw new UserException(Launcher.INVALID, "--loads takes load factors 1..50 separated by commas, got '" + text + "'");
            }
        }
        return out;
    }

    /** The plan at {@code load} × its symbols: more aliases of the recorded symbols, duration {@code d}. */
    static ScenarioPlan scaled(ScenarioPlan p, int load, Duration d) {
        SourceSpec s = p.source();
        List<String> symbols = new ArrayList<>(s.symbols());
        Map<String, String> aliases = new LinkedHashMap<>(s.aliases());
        int want = s.symbols().size() * load;
        for (int k = 1; symbols.size() < want; k++) {
            String from = RECORDED.get(k % 2 == 1 ? 0 : 1);
            String name = String.format(Locale.ROOT, "%c%02dUSDT", from.charAt(0), (k + 1) / 2);
            symbols.add(name);
            aliases.put(name, from);
        }
        SourceSpec src = new SourceSpec(s.type(), symbols, s.streams(), s.endpoint(), s.files(), s.loop(), aliases,
                s.emulator(), s.settings());
        return new ScenarioPlan(p.name() + "-x" + load, p.scriptFile(), p.scriptHash(), p.mode(), p.pace(), p.seed(), d,
                src, p.stages(), p.sinks(), p.healthInterval(), p.restartPolicy(), p.timeseries(), p.alerts(),
                p.faults(), p.expectations(), p.config(), p.reportTimeZone());
    }

    private Measured measure(FelixHost host, ScenarioPlan plan, Settings defaults, Map<String, String> versions,
                             String id) throws Exception {
        SoakRun run;
        try {
            run = new SoakRun(plan, host.registry(), Extensions.create(plan, defaults),
                    new EngineOptions(cmd.runsDir, defaults, versions, id, host.revival()));
            io.soak.api.run.RunDirectory dir = new io.soak.api.run.RunDirectory(run.runDirectory());
            Files.createDirectories(dir.logs());
            RunLog.attach(dir.logFile());
        } catch (io.soak.engine.RunDirectoryClaim.RefusedException e) {
            throw new UserException(Launcher.INVALID, e.getMessage());
        }
        ThreadCpu threads = new ThreadCpu();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                threads.sample();
                try {
                    Thread.sleep(1000); // the benchmark's own sampling thread, not a stage
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "soak-bench-sampler");
        sampler.setDaemon(true);
        try {
            threads.sample();
            double gc0 = gcSeconds();
            double jit0 = jitSeconds();
            long cpu0 = BenchCommand.processCpuNanos();
            long start = System.nanoTime();
            sampler.start();
            RunOutcome outcome = run.run();
            sampler.interrupt();
            sampler.join(2000);
            threads.sample();
            double wallS = (System.nanoTime() - start) / 1e9;
            double cpuS = (BenchCommand.processCpuNanos() - cpu0) / 1e9;
            if (outcome.exitCode() == Launcher.RUNTIME_FAILURE) {
                throw new UserException(Launcher.RUNTIME_FAILURE, "bench run " + id + " failed: "
                        + String.join("; ", outcome.failures()) + " (manifest " + outcome.runDirectory() + ")");
            }
            return new Measured(outcome, wallS, cpuS, threads.byName(), gcSeconds() - gc0, jitSeconds() - jit0);
        } finally {
            sampler.interrupt();
            RunLog.detach();
        }
    }

    private void print(int load, ScenarioPlan p, Measured m, String la0, String la1) {
        Map<String, Object> t = m.outcome.manifest();
        long msgs = BenchCommand.harvested(m.outcome);
        out.printf(Locale.ROOT, "== load x%d: %d symbols, %.1f s wall, %,d messages (%,.0f msg/s), load average before %s, after %s%n",
                load, p.source().symbols().size(), m.wallS, msgs, msgs / m.wallS, la0, la1);
        out.printf(Locale.ROOT, "latency (%s) receive → committed in every sink: p50 %s ms  p99 %s ms  p99.9 %s ms  max %s ms  (%s decisions)%n",
                show(at(t, "latency.mode")), show(at(t, "latency.total.p50_ms")), show(at(t, "latency.total.p99_ms")),
                show(at(t, "latency.total.p999_ms")), show(at(t, "latency.total.max_ms")), show(at(t, "latency.total.count")));
        if (at(t, "latency.hops") instanceof Map<?, ?> hops) {
            hops.forEach((hop, parts) -> {
                if (parts instanceof Map<?, ?> ps) {
                    ps.forEach((part, f) -> out.printf(Locale.ROOT, "  %-24s %-10s p50 %8s  p99 %8s  p99.9 %8s  max %8s  n %s%n",
                            hop, part, show(at(f, "p50_ms")), show(at(f, "p99_ms")), show(at(f, "p999_ms")),
                            show(at(f, "max_ms")), show(at(f, "count"))));
                }
            });
        }
        out.printf(Locale.ROOT, "queue drops %d (harvester_metrics.queue_dropped %s)   peak RSS (VmHWM) %d MB   threads max %s%n",
                drops(t), show(at(t, "harvester_metrics.queue_dropped")), BenchCommand.vmHwmKb() / 1024,
                show(at(t, "resource_usage.max_threads")));
        out.printf(Locale.ROOT, "process CPU %.1f s = %.0f%% of one core (emulator included; 2 cores = 200%%)%n",
                m.cpuS, 100 * m.cpuS / m.wallS);
        out.println("CPU per thread (seconds, % of one core; the same name with another number is summed):");
        m.threads.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(14)
                .forEach(e -> out.printf(Locale.ROOT, "  %-40s %7.2f s  %5.1f%%%n", e.getKey(), e.getValue(),
                        100 * e.getValue() / m.wallS));
        double javaThreads = m.threads.values().stream().mapToDouble(Double::doubleValue).sum();
        double rest = Math.max(0, m.cpuS - javaThreads);
        out.printf(Locale.ROOT, "  %-40s %7.2f s  %5.1f%%   (process minus Java threads; GC %.2f s wall, JIT %.2f s)%n",
                "JVM: GC, JIT compilers, VM threads", rest, 100 * rest / m.wallS, m.gcS, m.jitS);
        out.println("verdict " + (m.outcome.passed() ? "PASS" : "FAIL") + (m.outcome.failures().isEmpty() ? ""
                : ": " + String.join("; ", m.outcome.failures())) + "   [" + m.outcome.runDirectory() + "]");
        out.flush();
    }

    /** Raw messages dropped at the ingress plus anything any topic dropped. */
    static long drops(Map<String, Object> t) {
        long d = at(t, "harvester_metrics.queue_dropped") instanceof Number n ? n.longValue() : 0;
        if (at(t, "bus.topics") instanceof Map<?, ?> topics) {
            for (Object v : topics.values()) {
                if (!(v instanceof Map<?, ?> tm) || !(tm.get("dropped") instanceof Number n)) {
                    continue;
                }
                d = Math.max(d, n.longValue()); // raw's dropped is the same count as queue_dropped
            }
        }
        return d;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String show(Object v) {
        if (v == null) {
            return "n/a";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        return String.valueOf(v);
    }

    static Object at(Object tree, String path) {
        Object cur = tree;
        for (String k : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }

    /** CPU time per thread, the latest value seen for each thread id, summed by name without its numbers. */
    static final class ThreadCpu {
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> first = new HashMap<>();
        private final Map<Long, Long> last = new HashMap<>();
        private final Map<Long, String> names = new HashMap<>();
        private boolean started;

        synchronized void sample() {
            if (!mx.isThreadCpuTimeSupported()) {
                return;
            }
            for (long id : mx.getAllThreadIds()) {
                long c = mx.getThreadCpuTime(id);
                if (c < 0) {
                    continue;
                }
                if (!first.containsKey(id)) {
                    // a thread that exists before the run counts from the first sample, a new one from zero
                    first.put(id, started ? 0L : c);
                    var info = mx.getThreadInfo(id);
                    names.put(id, info == null ? "thread-" + id : info.getThreadName());
                }
                last.put(id, c);
            }
            started = true;
        }

        synchronized Map<String, Double> byName() {
            Map<String, Double> out = new HashMap<>();
            last.forEach((id, c) -> {
                double s = (c - first.getOrDefault(id, 0L)) / 1e9;
                if (s > 0) {
                    out.merge(group(names.get(id)), s, Double::sum);
                }
            });
            return out;
        }

        /** {@code soak-stage-harvest-3} → {@code soak-stage-harvest-#}; {@code qtp12345-67} → {@code qtp#-#}. */
        static String group(String name) {
            return name == null ? "?" : name.replaceAll("\\d+", "#");
        }
    }

    private record Measured(RunOutcome outcome, double wallS, double cpuS, Map<String, Double> threads, double gcS,
                            double jitS) {
    }

    private static double gcSeconds() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime()))
                .sum() / 1000.0;
    }

    private static double jitSeconds() {
        var c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() / 1000.0 : 0;
    }
}
