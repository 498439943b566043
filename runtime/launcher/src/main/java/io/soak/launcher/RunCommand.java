package io.soak.launcher;

import io.soak.api.plan.ScenarioPlan;
import io.soak.api.stage.Settings;
import io.soak.dsl.ImplicitScenario;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
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
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

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

    @Option(names = "--bundle-timeout", paramLabel = "<seconds>", defaultValue = "30",
            description = "How long to wait for the bundles the plan needs (default 30).")
    long bundleTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        Launcher launcher = root.launcher;
        RunLog.verbose(root.verbose);
        String id = runId == null ? generatedRunId() : checkedRunId(runId);
        Settings defaults = defaults(launcher);
        // The host boots while Groovy compiles the scenario: both take a second or two and neither needs the
        // other, so the time from `soak run` to the first event is the longer of the two, not their sum.
        HostBoot boot = HostBoot.begin(launcher.home());
        long loadStart = System.nanoTime();
        ScenarioPlan plan;
        try {
            plan = plan(launcher);
        } catch (Exception | Error e) {
            boot.discard();
            throw e;
        }
        long loadMs = (System.nanoTime() - loadStart) / 1_000_000;
        long loadedAt = sinceJvmStart();
        Path runDir = runsDir.resolve(id);
        try {
            Files.createDirectories(runDir.resolve("logs"));
        } catch (IOException e) {
            boot.discard();
            throw new UserException(Launcher.RUNTIME_FAILURE, "cannot create the run directory " + runDir + ": " + e.getMessage(), e);
        }
        RunLog.attach(runDir.resolve("logs").resolve("soak.log"));
        LOG.info("scenario {} loaded in {} ms ({} ms after the JVM started)", plan.name(), loadMs, loadedAt);
        SignalGuard guard = launcher.handleSignals() ? new SignalGuard(Duration.ofMinutes(5)) : null;
        int code = Launcher.RUNTIME_FAILURE;
        try {
            code = execute(launcher, plan, defaults, id, guard, boot);
            return code;
        } finally {
            RunLog.detach();
            if (guard != null) {
                guard.finish(code);
                guard.close();
            }
        }
    }

    private int execute(Launcher launcher, ScenarioPlan plan, Settings defaults, String id, SignalGuard guard,
                        HostBoot boot) throws Exception {
        PrintWriter out = launcher.out();
        try (FelixHost host = boot.await()) {
            host.requireFactories(PlanRequirements.of(plan), Duration.ofSeconds(bundleTimeoutSeconds));
            List<RunExtension> extensions = Extensions.create(plan, defaults);
            Map<String, String> versions = new TreeMap<>(host.bundleVersions());
            versions.put("runtime", Manifests.runtimeVersion());
            SoakRun run = new SoakRun(plan, host.registry(), extensions,
                    new EngineOptions(runsDir, defaults, versions, id, host.revival()));
            if (guard != null) {
                guard.attach(run);
            }
            out.println("run " + id + ": " + plan.name() + " (" + plan.mode().id()
                    + (plan.mode() == io.soak.api.plan.Mode.REPLAY ? " " + plan.pace() : "") + ", "
                    + PlanSummary.human(plan.duration()) + ") -> " + run.runDirectory());
            out.flush();
            FirstEventProbe probe = FirstEventProbe.watch(run);
            RunOutcome outcome;
            try {
                outcome = run.run();
            } finally {
                probe.close();
            }
            probe.firstEventMillis().ifPresent(ms -> LOG.info(
                    "first event handled {} ms after the JVM started ({} ms after the run started)", ms,
                    ms - probe.startedAtMillis));
            print(out, outcome);
            return outcome.exitCode();
        }
    }

    private ScenarioPlan plan(Launcher launcher) throws Exception {
        boolean flags = enable != null || sink != null || minutes != null;
        if (scenario != null) {
            if (flags) {
                throw new UserException(Launcher.INVALID,
                        "give either a scenario script or the run-contract flags (--enable/--sink/--minutes), not both");
            }
            if (!Files.isRegularFile(scenario)) {
                throw new UserException(Launcher.INVALID, "scenario not found: " + scenario);
            }
            return requireData(ScenarioLoader.load(scenario), scenario, System.getenv());
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

    private Settings defaults(Launcher launcher) throws UserException {
        Path file = configFile(launcher);
        if (config == null && !Files.isRegularFile(file)) {
            LOG.warn("no {}: running with built-in defaults", file);
            return Settings.empty();
        }
        return Defaults.load(file);
    }

    private static void print(PrintWriter out, RunOutcome outcome) {
        Path manifest = outcome.runDirectory().resolve("run_manifest.json");
        switch (outcome.exitCode()) {
            case Launcher.PASS -> out.println("PASS run " + outcome.runId() + ": "
                    + (criteriaCount(outcome).equals("0") ? "no criteria to check" : criteriaCount(outcome) + " criteria met")
                    + "; manifest " + manifest);
            case Launcher.CRITERION_FAILED -> {
                out.println("FAIL run " + outcome.runId() + ": " + outcome.failures().size() + " of "
                        + criteriaCount(outcome) + " criteria failed; manifest " + manifest);
                outcome.failures().forEach(f -> out.println("  - " + f));
            }
            default -> {
                out.println("ERROR run " + outcome.runId() + ": the runtime failed; manifest " + manifest);
                outcome.failures().forEach(f -> out.println("  - " + f));
            }
        }
        out.flush();
    }

    private static String criteriaCount(RunOutcome outcome) {
        Object verdict = outcome.manifest() == null ? null : outcome.manifest().get("verdict");
        if (verdict instanceof Map<?, ?> v && v.get("criteria") instanceof List<?> l) {
            return String.valueOf(l.size());
        }
        return "all";
    }

    static long sinceJvmStart() {
        return System.currentTimeMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    static String generatedRunId() {
        String ts = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
        return ts + "-" + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xF000));
    }

    private static String checkedRunId(String id) throws UserException {
        if (!RUN_ID.matcher(id).matches()) {
            throw new UserException(Launcher.INVALID,
                    "--run-id must be letters, digits, '.', '_' or '-' (at most 128), got '" + id + "'");
        }
        return id;
    }

    /** Watches the run's status until a stage has handled its first event (a startup figure for the log). */
    static final class FirstEventProbe implements AutoCloseable {
        private final Thread thread;
        final long startedAtMillis = sinceJvmStart();
        private volatile long firstMillis = -1;
        private volatile boolean stop;

        private FirstEventProbe(SoakRun run) {
            long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            thread = new Thread(() -> {
                while (!stop && firstMillis < 0) {
                    try {
                        if (run.status().stages().stream().anyMatch(s -> s.handled() > 0)) {
                            firstMillis = System.currentTimeMillis() - jvmStart;
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

        static FirstEventProbe watch(SoakRun run) {
            FirstEventProbe p = new FirstEventProbe(run);
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
