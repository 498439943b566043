package io.soak.launcher;

import io.soak.api.plan.Mode;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.stage.Settings;
import io.soak.dsl.ScenarioLoader;
import io.soak.engine.EngineOptions;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak bench}: the end-to-end replay benchmark. Exists so that "how fast is the whole runtime" is a
 * figure anyone can reproduce from the distribution, next to the ceiling it is measured against.
 *
 * <p>One JVM, one Felix host, up to three runs of the same scenario (default
 * {@code <home>/scenarios/bench-e2e.groovy}: the shared captures looped to a 60-minute, six-symbol session at
 * max pace, all four stages, both sinks, the file exporter, the standard alerts):
 * <ol>
 *   <li>warm-up: the scenario shortened to {@code --warmup-minutes}, not measured (JIT, class loading);</li>
 *   <li>end-to-end: the scenario as written, through the run machinery {@code soak run} uses (host registry,
 *       run extensions, engine), timed around {@link SoakRun#run()};</li>
 *   <li>ceiling: the same plan reduced to the {@code harvest} and {@code signal} stages, with no sink, no
 *       time-series export, no alerts, no criteria and no run extension: capture reading + harvest parsing +
 *       signal features, plus the engine's unavoidable minimum (the raw and market bus hops, the virtual
 *       clock, the run directory and manifest).</li>
 * </ol>
 * Messages are the raw messages the harvest stage handled. Figures are printed, never asserted: the exit
 * code is the end-to-end run's verdict (0 pass, 1 a criterion failed, 3 runtime failure).
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = "End-to-end replay benchmark: the whole runtime on the shared captures, and the ceiling of "
                + "reading + parsing + features alone, measured in the same process.")
final class BenchCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BenchCommand.class);
    private static final double GOAL_RATE = 150_000;
    private static final double GOAL_RATIO = 0.5;
    private static final double GOAL_WALL_S = 35;

    @ParentCommand
    SoakCommand root;

    @Option(names = "--scenario", paramLabel = "<scenario.groovy>",
            description = "The scenario to measure (default: <home>/scenarios/bench-e2e.groovy).")
    Path scenario;

    @Option(names = "--data", paramLabel = "<dir>",
            description = "The shared data directory (default: -Dsoak.shared.data, else SOAK_DATA, else ../shared/data).")
    Path data;

    @Option(names = "--config", paramLabel = "<defaults.yaml>",
            description = "Defaults file (default: <home>/config/defaults.yaml).")
    Path config;

    @Option(names = "--runs-dir", paramLabel = "<dir>", defaultValue = "runs",
            description = "Where the run directories go (default ./runs).")
    Path runsDir;

    @Option(names = "--warmup-minutes", paramLabel = "<n>", defaultValue = "5",
            description = "Engine minutes of an unmeasured warm-up run first (0: none; default 5).")
    int warmupMinutes;

    @Option(names = "--no-ceiling", description = "Skip the ceiling run (harvest + signal only).")
    boolean noCeiling;

    @Option(names = "--bundle-timeout", paramLabel = "<seconds>", defaultValue = "30",
            description = "How long to wait for the bundles the plan needs (default 30).")
    long bundleTimeoutSeconds;

    @Option(names = "--live", description = "The latency benchmark instead (LiveBench): a LIVE run against the feed "
            + "emulator on 127.0.0.1 per load factor (default scenario <home>/scenarios/bench-live.groovy).")
    boolean live;

    @Option(names = "--loads", paramLabel = "<n,n>", defaultValue = "1,10",
            description = "--live: load factors, each a run serving that many times the scenario's symbols (default 1,10).")
    String liveLoads;

    @Option(names = "--minutes", paramLabel = "<m>", defaultValue = "3",
            description = "--live: minutes of each run (decimals allowed; default 3).")
    double liveMinutes;

    @Override
    public Integer call() throws Exception {
        Launcher launcher = root.launcher();
        RunLog.verbose(root.verbose());
        if (warmupMinutes < 0) {
            throw new UserException(Launcher.INVALID, "--warmup-minutes must be >= 0, got " + warmupMinutes);
        }
        if (data != null) {
            if (!Files.isDirectory(data)) {
                throw new UserException(Launcher.INVALID, "--data: no such directory " + data);
            }
            // data() in the scenario reads this property first
            System.setProperty("soak.shared.data", data.toAbsolutePath().normalize().toString());
        }
        Path script = scenario != null ? scenario : launcher.home().resolve("scenarios")
                .resolve(live ? "bench-live.groovy" : "bench-e2e.groovy");
        if (!Files.isRegularFile(script)) {
            throw new UserException(Launcher.INVALID, "scenario not found: " + script);
        }
        ScenarioPlan plan = ScenarioLoader.load(script, launcher.env());
        if (live) {
            RunCommand.requireData(plan, script, launcher.env());
            return new LiveBench(this, launcher).run(plan, script, defaults(launcher));
        }
        if (plan.mode() != Mode.REPLAY) {
            throw new UserException(Launcher.INVALID, "soak bench measures replays; " + script + " is " + plan.mode().id());
        }
        // the full recordings (never the test fixture): exit 2 naming the file and the places searched
        RunCommand.requireData(plan, script, launcher.env());
        Settings defaults = defaults(launcher);
        String stamp = io.soak.api.run.RunId.generate("bench-" + plan.name()).value();
        PrintWriter out = launcher.out();
        Path storage = Files.createTempDirectory("soak-felix-");
        try (FelixHost host = FelixHost.start(HostConfig.fromHome(launcher.home(), storage))) {
            host.requireFactories(PlanRequirements.of(plan), Duration.ofSeconds(bundleTimeoutSeconds));
            Map<String, String> versions = new TreeMap<>(host.bundleVersions());
            versions.put("runtime", Manifests.runtimeVersion());

            out.println("bench " + plan.name() + ": " + plan.source().symbols().size() + " symbols, "
                    + PlanSummary.human(plan.duration()) + " at pace " + plan.pace() + ", stages " + plan.stages()
                    + ", sinks " + plan.sinks() + ", time series " + plan.timeseries().type()
                    + " (runs under " + runsDir + ")");
            out.flush();
            if (warmupMinutes > 0) {
                Measured w = measure(host, withDuration(plan, Duration.ofMinutes(warmupMinutes), "-warmup"),
                        Extensions.create(plan, defaults), defaults, versions, stamp + "-warmup");
                out.printf(Locale.ROOT, "warm-up   %,11d messages in %6.2f s  (not counted)%n", w.messages, w.wallS);
                out.flush();
            }
            Measured e2e = measure(host, plan, Extensions.create(plan, defaults), defaults, versions, stamp + "-e2e");
            long hwmAfterE2e = vmHwmKb();
            out.printf(Locale.ROOT, "end-to-end %,10d messages in %6.2f s = %,9.0f msg/s   cpu %6.2f s = %,9.0f msg/cpu-s"
                            + "   peak RSS (VmHWM) %d MB   [%s]%n", e2e.messages, e2e.wallS, e2e.rate(), e2e.cpuS,
                    e2e.cpuRate(), hwmAfterE2e / 1024, e2e.outcome.runDirectory());
            out.flush();
            Measured ceiling = null;
            if (!noCeiling) {
                ceiling = measure(host, ceilingPlan(plan), List.of(), defaults, versions, stamp + "-ceiling");
                out.printf(Locale.ROOT, "ceiling    %,10d messages in %6.2f s = %,9.0f msg/s   cpu %6.2f s = %,9.0f msg/cpu-s"
                        + "   (harvest + signal, no sinks/exporter/alerts)   [%s]%n", ceiling.messages, ceiling.wallS,
                        ceiling.rate(), ceiling.cpuS, ceiling.cpuRate(), ceiling.outcome.runDirectory());
            }
            out.println("-- summary");
            out.printf(Locale.ROOT, "messages/s   %,.0f   (goal >= %,.0f: %s)%n", e2e.rate(), GOAL_RATE,
                    e2e.rate() >= GOAL_RATE ? "met" : "MISSED");
            out.printf(Locale.ROOT, "wall time    %.2f s   (goal <= %.0f s: %s)%n", e2e.wallS, GOAL_WALL_S,
                    e2e.wallS <= GOAL_WALL_S ? "met" : "MISSED");
            out.printf(Locale.ROOT, "peak RSS     %d MB (VmHWM after the end-to-end run; run manifest max_rss_mb %s)%n",
                    hwmAfterE2e / 1024, maxRss(e2e.outcome));
            if (ceiling != null) {
                double ratio = e2e.rate() / ceiling.rate();
                out.printf(Locale.ROOT, "ceiling      %,.0f msg/s%n", ceiling.rate());
                out.printf(Locale.ROOT, "ratio        %.2f of the ceiling   (goal >= %.1f: %s; per CPU second %.2f)%n",
                        ratio, GOAL_RATIO, ratio >= GOAL_RATIO ? "met" : "MISSED", e2e.cpuRate() / ceiling.cpuRate());
            }
            out.println("verdict      " + (e2e.outcome.passed() ? "PASS" : "FAIL") + " (end-to-end run)"
                    + (e2e.outcome.failures().isEmpty() ? "" : ": " + String.join("; ", e2e.outcome.failures())));
            out.flush();
            return e2e.outcome.exitCode();
        }
    }

    private Measured measure(FelixHost host, ScenarioPlan plan, List<RunExtension> extensions, Settings defaults,
                             Map<String, String> versions, String id) throws UserException {
        SoakRun run;
        try {
            // claims runs/<id> (a fresh directory, locked for the run)
            run = new SoakRun(plan, host.registry(), extensions,
                    new EngineOptions(runsDir, defaults, versions, id, host.revival()));
            io.soak.api.run.RunDirectory dir = new io.soak.api.run.RunDirectory(run.runDirectory());
            Files.createDirectories(dir.logs());
            RunLog.attach(dir.logFile());
        } catch (io.soak.engine.RunDirectoryClaim.RefusedException e) {
            throw new UserException(Launcher.INVALID, e.getMessage());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserException(Launcher.RUNTIME_FAILURE, "cannot create the run directory under " + runsDir + ": "
                    + e.getMessage(), e);
        }
        try {
            long cpu0 = processCpuNanos();
            long start = System.nanoTime();
            RunOutcome outcome = run.run();
            double wallS = (System.nanoTime() - start) / 1e9;
            double cpuS = (processCpuNanos() - cpu0) / 1e9;
            long messages = harvested(outcome);
            LOG.info("bench {}: {} messages in {} s", id, messages, String.format(Locale.ROOT, "%.3f", wallS));
            if (outcome.exitCode() == Launcher.RUNTIME_FAILURE) {
                throw new UserException(Launcher.RUNTIME_FAILURE, "bench run " + id + " failed: "
                        + String.join("; ", outcome.failures()) + " (manifest " + outcome.runDirectory() + ")");
            }
            return new Measured(outcome, messages, wallS, cpuS);
        } finally {
            RunLog.detach();
        }
    }

    /** Reading + parsing + features: the plan's source and pace, harvest and signal only, nothing else. */
    static ScenarioPlan ceilingPlan(ScenarioPlan p) {
        List<String> stages = p.stages().stream().filter(s -> s.equals("harvest") || s.equals("signal")).toList();
        return new ScenarioPlan(p.name() + "-ceiling", p.scriptFile(), p.scriptHash(), p.mode(), p.pace(), p.seed(),
                p.duration(), p.source(), stages, List.of(), p.healthInterval(), p.restartPolicy(),
                new TimeseriesSpec("none", "", false, Map.of(), Map.of()), List.of(), List.of(), List.of(),
                p.config(), p.reportTimeZone());
    }

    static ScenarioPlan withDuration(ScenarioPlan p, Duration d, String suffix) {
        return new ScenarioPlan(p.name() + suffix, p.scriptFile(), p.scriptHash(), p.mode(), p.pace(), p.seed(), d,
                p.source(), p.stages(), p.sinks(), p.healthInterval(), p.restartPolicy(), p.timeseries(), p.alerts(),
                List.of(), List.of(), p.config(), p.reportTimeZone());
    }

    private Settings defaults(Launcher launcher) throws UserException {
        Path file = config != null ? config : launcher.home().resolve("config").resolve("defaults.yaml");
        if (config == null && !Files.isRegularFile(file)) {
            LOG.warn("no {}: running with built-in defaults", file);
            return Settings.empty();
        }
        return Defaults.load(file);
    }

    /** Raw messages the harvest stage handled (status.processes.harvest.handled). */
    static long harvested(RunOutcome outcome) {
        Object v = path(outcome.manifest(), "status", "processes", "harvest", "handled");
        return v instanceof Number n ? n.longValue() : 0L;
    }

    private static String maxRss(RunOutcome outcome) {
        Object v = path(outcome.manifest(), "resource_usage", "max_rss_mb");
        return v == null ? "n/a" : v.toString();
    }

    private static Object path(Map<String, Object> tree, String... keys) {
        Object cur = tree;
        for (String k : keys) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }

    /** Peak resident set size of this process in kB (VmHWM of /proc/self/status; 0 where there is none). */
    static long vmHwmKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("no VmHWM: {}", e.toString());
        }
        return 0L;
    }

    /** CPU time of the whole process (all threads, GC and JIT included); -1 where the JVM does not say. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1L;
    }

    /** One measured run: wall time around {@link SoakRun#run()} and the process CPU time spent meanwhile. */
    private record Measured(RunOutcome outcome, long messages, double wallS, double cpuS) {
        double rate() {
            return wallS <= 0 ? 0 : messages / wallS;
        }

        /** Messages per CPU second: less sensitive than {@link #rate()} to other load on the machine. */
        double cpuRate() {
            return cpuS <= 0 ? 0 : messages / cpuS;
        }
    }
}
