package io.soak.launcher;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.run.RunDirectory;
import io.soak.api.run.RunId;
import io.soak.api.stage.Settings;
import io.soak.dsl.ImplicitScenario;
import io.soak.dsl.ScenarioLoader;
import io.soak.engine.EngineOptions;
import io.soak.engine.RunDirectoryClaim;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code soak run}: a scenario script, or the implicit scenario of the run-contract flags
 * ({@code --config --enable --sink --minutes} with TIMESERIES_TYPE, TIMESERIES_URL, REPORT_TZ,
 * V13_REPLAY_MODE), executed in the embedded Felix host. Exit 0 pass, 1 a criterion failed, 2 invalid input,
 * 3 runtime failure.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a scenario script, or the implicit scenario of --config/--enable/--sink/--minutes.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    SoakCommand root;

    @Parameters(arity = "0..1", paramLabel = "<scenario.groovy>", description = "The scenario script.")
    Path scenario;

    @Option(names = "--config", paramLabel = "<defaults.yaml>",
            description = "Defaults file (default: <home>/config/defaults.yaml).")
    Path config;

    @Option(names = "--enable", split = ",", paramLabel = "<stage>",
            description = "Implicit scenario: stages to run (default harvest,signal,broker,report).")
    List<String> enable;

    @Option(names = "--sink", paramLabel = "jsonl|sqlite|dual", description = "Implicit scenario: sinks.")
    String sink;

    @Option(names = "--minutes", paramLabel = "<n>", description = "Implicit scenario: duration in minutes (default 60).")
    Integer minutes;

    @Option(names = "--runs-dir", paramLabel = "<dir>", defaultValue = "runs",
            description = "Where run directories go (default ./runs).")
    Path runsDir;

    @Option(names = "--run-id", paramLabel = "<id>", description = "Run id (default: generated from the UTC time).")
    String runId;

    @Option(names = "--replace",
            description = "Replace an existing run directory of the same --run-id (default: refuse it, exit 2).")
    boolean replace;

    @Option(names = "--bundle-timeout", paramLabel = "<seconds>", defaultValue = "30",
            description = "How long to wait for the bundles the plan needs (default 30).")
    long bundleTimeoutSeconds;

    @Option(names = "--progress", paramLabel = "auto|line|log|none", defaultValue = "auto",
            description = "Progress: a live line on a terminal, a log line per minute otherwise (default auto).")
    String progress;

    @Option(names = "--hot-dir", paramLabel = "<dir>",
            description = "Directory watched for new bundle builds during this run (default <runs-dir>/.hot/<run_id>).")
    Path hotDir;

    @Option(names = "--control", paramLabel = "tcp|none", defaultValue = "tcp",
            description = "Operator control channel on 127.0.0.1 for 'soak shell --attach' (default tcp).")
    String controlMode;

    @Option(names = "--role", paramLabel = "<role>",
            description = "Cluster scenario (cluster { }): the role this node runs (docs/scale-out.md).")
    String role;

    @Option(names = "--node", paramLabel = "<id>", description = "Cluster scenario: this node's id (default host-pid).")
    String node;

    @Option(names = "--kafka", paramLabel = "<host:port>",
            description = "Cluster scenario: the Kafka bootstrap, overriding the scenario's cluster { kafka }.")
    String kafka;

    @Override
    public Integer call() throws Exception {
        Launcher launcher = root.launcher;
        RunConsoleWiring.check(progress, controlMode);
        RunLog.verbose(root.verbose);
        RunId given = runId == null ? null : checkedRunId(runId);
        if (given != null) {
            refuseTaken(RunDirectory.of(runsDir, given));
        }
        StartupFigures startup = new StartupFigures();
        startup.put("command_at_ms", sinceJvmStart());
        // The host boots while the configuration is read and Groovy compiles the scenario: neither needs the
        // other, so the time from `soak run` to the first event is the longer of the two, not their sum.
        // The id is known before the plan (the host's hot/ is named after it): a generated one takes the
        // scenario file's name, which is the scenario's name in every shipped script.
        String id = (given != null ? given : RunId.generate(scenarioStem())).value();
        // this run's own hot/ (beside, not inside, the run directory, which the engine claims as new)
        Path hot = hotDir != null ? hotDir : runsDir.resolve(".hot").resolve(id);
        HostBoot boot = HostBoot.begin(launcher.home(), hot);
        long loadStart = 0;
        ScenarioPlan plan;
        Settings defaults;
        try {
            io.soak.dsl.ConfigCatalog catalog = Catalogs.of(launcher.home());
            // config/defaults.yaml is read while the scenario loads: neither needs the other; a bad configuration
            // is still the error reported first, as when one followed the other
            java.util.concurrent.FutureTask<Settings> config = new java.util.concurrent.FutureTask<>(() -> {
                Settings d = defaults(launcher, catalog);
                startup.put("config_loaded_at_ms", sinceJvmStart());
                return d;
            });
            Thread reader = new Thread(config, "soak-config");
            reader.setDaemon(true);
            reader.start();
            loadStart = System.nanoTime();
            ScenarioPlan loaded;
            try {
                loaded = plan(launcher, catalog);
            } catch (Exception | Error e) {
                awaitConfig(config);
                throw e;
            }
            defaults = awaitConfig(config);
            plan = ClusterRole.apply(loaded, role, node, kafka); // a cluster node: its role's share
            CaptureFilesCheck.check(plan); // exit 2 naming the file, before the run starts
        } catch (Exception | Error e) {
            boot.discard();
            throw e;
        }
        long loadMs = (System.nanoTime() - loadStart) / 1_000_000;
        long loadedAt = sinceJvmStart();
        io.soak.dsl.ScenarioLoader.lastTiming().ifPresent(t -> {
            startup.put("scenario_classes", t.classes());
            startup.put("scenario_compile_ms", t.compileMs());
            startup.put("scenario_eval_ms", t.runMs());
        });
        startup.put("scenario_load_ms", loadMs);
        startup.put("scenario_loaded_at_ms", loadedAt);
        SignalGuard guard = launcher.handleSignals() ? new SignalGuard(Duration.ofMinutes(5)) : null;
        int code = Launcher.RUNTIME_FAILURE;
        try {
            code = execute(launcher, plan, defaults, id, guard, boot, loadMs, loadedAt, startup);
            return code;
        } finally {
            removeTemporaryFiles(runsDir.resolve(id));
            RunLog.detach();
            if (guard != null) {
                guard.finish(code);
                guard.close();
            }
        }
    }

    /**
     * Every writer of the run directory writes {@code x.tmp} then renames it to {@code x}: once the run is over, a
     * {@code .tmp} left behind is the remains of a failed write (a full disk, a permission error). It is removed
     * and named, so the directory holds only whole files.
     */
    static void removeTemporaryFiles(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(runDir, 4)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp") && Files.isRegularFile(p)).toList()) {
                try {
                    Files.deleteIfExists(p);
                    LOG.warn("removed {}, left by a write that failed", p);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", p, e instanceof java.nio.file.FileSystemException f
                            ? FileErrors.describe(f) : e.getMessage());
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("cannot list {} for temporary files: {}", runDir, e.getMessage());
        }
    }

    private int execute(Launcher launcher, ScenarioPlan plan, Settings defaults, String id, SignalGuard guard,
                        HostBoot boot, long loadMs, long loadedAt, StartupFigures startup) throws Exception {
        PrintWriter out = launcher.out();
        long waitStart = System.nanoTime();
        try (FelixHost host = boot.await()) {
            startup.put("host_wait_ms", (System.nanoTime() - waitStart) / 1_000_000);
            startup.put("host_start_ms", host.startupMillis());
            startup.put("host_started_at_ms", StartupFigures.sinceJvmStart(host.readyEpochMillis()));
            try {
                host.requireFactories(PlanRequirements.of(plan), Duration.ofSeconds(bundleTimeoutSeconds));
            } catch (UnknownKindException e) {
                throw new UserException(Launcher.INVALID, e.getMessage() + " (" + plan.scriptFile() + ")", e);
            }
            List<RunExtension> extensions = new java.util.ArrayList<>(Extensions.create(plan, defaults));
            extensions.add(startup);
            Map<String, String> versions = new TreeMap<>(host.bundleVersions());
            versions.put("runtime", Manifests.runtimeVersion());
            RunConsoleWiring wiring = RunConsoleWiring.before(host, extensions, plan,
                    hotDir != null ? hotDir : runsDir.resolve(".hot").resolve(id));
            SoakRun run;
            try {
                // claims runs/<id> (created and locked here; an existing one only with --replace)
                run = new SoakRun(plan, host.registry(), wiring.extensions(),
                        new EngineOptions(runsDir, defaults, versions, id, host.revival(), replace));
            } catch (RunDirectoryClaim.RefusedException e) {
                throw new UserException(Launcher.INVALID, e.getMessage());
            } catch (java.io.UncheckedIOException e) {
                throw new UserException(Launcher.RUNTIME_FAILURE, e.getMessage(), e);
            }
            RunDirectory dir = new RunDirectory(run.runDirectory());
            Files.createDirectories(dir.logs());
            RunLog.attach(dir.logFile());
            LOG.info("scenario {} loaded in {} ms ({} ms after the JVM started; classes {}, compile {} ms)", plan.name(), loadMs,
                    loadedAt, startup.get("scenario_classes"), startup.get("scenario_compile_ms"));
            if (guard != null) {
                guard.attach(run);
            }
            out.println("run " + id + ": " + plan.name() + " (" + plan.mode().id()
                    + (plan.mode() == io.soak.api.plan.Mode.REPLAY ? " " + plan.pace() : "") + ", "
                    + PlanSummary.human(plan.duration()) + ") -> " + run.runDirectory());
            out.flush();
            FirstEventProbe probe = FirstEventProbe.watch(run, startup);
            startup.put("run_started_at_ms", probe.startedAtMillis);
            RunOutcome outcome;
            try (RunConsoleWiring.Live live = wiring.start(run, host, plan, launcher, progress, controlMode)) {
                outcome = run.run();
            } finally {
                probe.close();
            }
            if (outcome.manifest() != null && !outcome.manifest().isEmpty()) {
                out.print(io.soak.launcher.control.RunSummary.text(outcome.manifest(), outcome.runDirectory()));
            }
            probe.firstEventMillis().ifPresent(ms -> LOG.info(
                    "first event handled {} ms after the JVM started ({} ms after the run started)", ms,
                    ms - probe.startedAtMillis));
            print(out, outcome);
            return outcome.exitCode();
        }
    }

    /** The scenario file's name without {@code .groovy}, or null for the run-contract flags. */
    private String scenarioStem() {
        if (scenario == null || scenario.getFileName() == null) {
            return null;
        }
        String n = scenario.getFileName().toString();
        return n.endsWith(".groovy") ? n.substring(0, n.length() - ".groovy".length()) : n;
    }

    private ScenarioPlan plan(Launcher launcher, io.soak.dsl.ConfigCatalog catalog) throws Exception {
        boolean flags = enable != null || sink != null || minutes != null;
        if (scenario != null) {
            if (flags) {
                throw new UserException(Launcher.INVALID,
                        "give either a scenario script or the run-contract flags (--enable/--sink/--minutes), not both");
            }
            if (!Files.isRegularFile(scenario)) {
                throw new UserException(Launcher.INVALID, "scenario not found: " + scenario);
            }
            return requireData(ScenarioLoader.load(scenario, System.getenv(), io.soak.dsl.ScenarioLimits.defaults(), catalog), scenario, System.getenv());
        }
        if (!flags && config == null) {
            throw new UserException(Launcher.INVALID,
                    "missing scenario: give a script (soak run scenarios/demo.groovy) or the run-contract flags"
                            + " (--config --enable --sink --minutes)");
        }
        if (minutes != null && minutes <= 0) {
            throw new UserException(Launcher.INVALID, "--minutes must be > 0, got " + minutes);
        }
        Path file = configFile(launcher);
        // the dsl owns the contract's defaults (stages, sink); only the duration has no default there
        return requireData(ImplicitScenario.fromFlags(Files.isRegularFile(file) || config != null ? file : null, enable,
                sink, minutes == null ? 60 : minutes, launcher.env()), null, launcher.env());
    }

    /**
     * Refuses (exit 2, before anything starts) a plan whose recorded data is missing: one line naming the first
     * missing file and, for a {@code data(...)} file, the data directory and the places searched for it.
     */
    static ScenarioPlan requireData(ScenarioPlan plan, Path script, Map<String, String> env) throws UserException {
        Path scriptDir = script == null ? null : script.toAbsolutePath().getParent();
        java.util.Optional<String> missing = io.soak.dsl.DataDirectory.missing(plan.source().files(), scriptDir, env);
        if (missing.isPresent()) {
            throw new UserException(Launcher.INVALID, missing.get());
        }
        return plan;
    }

    private Path configFile(Launcher launcher) {
        return config != null ? config : launcher.home().resolve("config").resolve("defaults.yaml");
    }

    /** The configuration read beside the scenario; its own failure as if it had been read first. */
    private static Settings awaitConfig(java.util.concurrent.FutureTask<Settings> config) throws Exception {
        try {
            return config.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception x) {
                throw x;
            }
            if (c instanceof Error x) {
                throw x;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private Settings defaults(Launcher launcher, io.soak.dsl.ConfigCatalog catalog) throws UserException {
        Path file = configFile(launcher);
        if (config == null && !Files.isRegularFile(file)) {
            LOG.warn("no {}: running with built-in defaults", file);
            return Settings.empty();
        }
        return Defaults.load(file, catalog);
    }

    private static void print(PrintWriter out, RunOutcome outcome) {
        Path file = outcome.runDirectory().resolve(RunDirectory.MANIFEST);
        // never point at a manifest that is not there (a disk error stopped its writing)
        String manifest = Files.isRegularFile(file) ? file.toString() : "none written (" + file + " is missing; see "
                + outcome.runDirectory().resolve("logs").resolve("soak.log") + ")";
        int[] c = counts(outcome);
        switch (outcome.exitCode()) {
            case Launcher.PASS -> out.println("PASS run " + outcome.runId() + ": "
                    + (c[0] == 0 ? "no scenario criteria to check" : c[0] + " criteria met") + ", " + c[2]
                    + " baseline criteria met" + (c[4] > 0 ? " (" + c[4] + " waived)" : "") + "; manifest " + manifest);
            case Launcher.CRITERION_FAILED -> {
                boolean incomplete = "INCOMPLETE".equals(verdictStatus(outcome));
                out.println((incomplete ? "INCOMPLETE" : "FAIL") + " run " + outcome.runId() + ": "
                        + (incomplete ? "stopped before its planned duration; " : "") + c[1] + " of " + c[0]
                        + " criteria failed, " + c[3] + " of " + c[2] + " baseline criteria failed; manifest " + manifest);
                outcome.failures().forEach(f -> out.println("  - " + f));
            }
            default -> {
                out.println("ERROR run " + outcome.runId() + ": the runtime failed; manifest " + manifest);
                outcome.failures().forEach(f -> out.println("  - " + f));
            }
        }
        out.flush();
    }

    private static String verdictStatus(RunOutcome outcome) {
        Object verdict = outcome.manifest() == null ? null : outcome.manifest().get("verdict");
        return verdict instanceof Map<?, ?> v ? String.valueOf(v.get("status")) : "";
    }

    /** Scenario criteria, of them failed, baseline criteria, of them failed (not waived), waived. */
    private static int[] counts(RunOutcome outcome) {
        int[] c = new int[5];
        Object verdict = outcome.manifest() == null ? null : outcome.manifest().get("verdict");
        if (verdict instanceof Map<?, ?> v && v.get("criteria") instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof Map<?, ?> m)) {
                    continue;
                }
                boolean base = Boolean.TRUE.equals(m.get("baseline"));
                boolean failed = !Boolean.TRUE.equals(m.get("passed"));
                if (m.get("waived") != null) {
                    c[4]++;
                    failed = false;
                }
                c[base ? 2 : 0]++;
                if (failed) {
                    c[base ? 3 : 1]++;
                }
            }
        }
        return c;
    }

    static long sinceJvmStart() {
        return System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    private static RunId checkedRunId(String id) throws UserException {
        try {
            return RunId.of(id);
        } catch (IllegalArgumentException e) {
            throw new UserException(Launcher.INVALID, "--run-id" + e.getMessage().substring("run id".length()));
        }
    }

    /** Refuses a taken run directory before the host boots (the engine's claim decides for good). */
    private void refuseTaken(RunDirectory dir) throws UserException {
        try {
            RunDirectoryClaim.checkAvailable(dir, replace);
        } catch (RunDirectoryClaim.RefusedException e) {
            throw new UserException(Launcher.INVALID, e.getMessage());
        }
    }

    /** Watches the run's status until a stage has handled its first event (a startup figure for the log). */
    static final class FirstEventProbe implements AutoCloseable {
        private final Thread thread;
        final long startedAtMillis = sinceJvmStart();
        private volatile long firstMillis = -1;
        private volatile boolean stop;

        private FirstEventProbe(SoakRun run, StartupFigures startup) {
            long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            thread = new Thread(() -> {
                while (!stop && firstMillis < 0) {
                    try {
                        if (run.status().stages().stream().anyMatch(s -> s.handled() > 0)) {
                            firstMillis = System.currentTimeMillis() - jvmStart;
                            if (startup != null) {
                                startup.put("first_event_ms", firstMillis);
                                startup.put("first_event_cpu_ms", StartupFigures.processCpuMillis());
                            }
                            StartupFigures.firstEventReached();
                            return;
                        }
                    } catch (RuntimeException e) {
                        // not started yet
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                }
            }, "soak-first-event-probe");
            thread.setDaemon(true);
        }

        static FirstEventProbe watch(SoakRun run, StartupFigures startup) {
            FirstEventProbe p = new FirstEventProbe(run, startup);
            p.thread.start();
            return p;
        }

        java.util.OptionalLong firstEventMillis() {
            return firstMillis < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(firstMillis);
        }

        @Override
        public void close() {
            stop = true;
        }
    }
}
