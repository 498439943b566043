package io.soak.engine.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stage.Topics;
import io.soak.api.time.Clock;
import io.soak.engine.EngineOptions;
import io.soak.engine.Json;
import io.soak.engine.Registry;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.engine.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link io.soak.engine.SoakRun}: holds the run's state and its parts, and keeps the run
 * order (set up, start, drive, stop, evidence). The parts (docs/engine.md):
 * <ul>
 *   <li>{@link Transport} / {@link InProcessTransport}: the bus (topics, sequence numbers, delivery into the
 *       stages' {@link Inbox}es, rows to the {@link SinkWriter}s);</li>
 *   <li>{@link Driver}: {@link SimulationDriver} (deterministic, virtual time) or {@link ThreadedDriver} (a
 *       {@link StageRunner} thread per stage instance, the paced feeder);</li>
 *   <li>{@link Supervisor}: instances, restart policy, heartbeat watchdog, hot swap;</li>
 *   <li>{@link FaultInjector}: faults, one handler per kind ({@link KillFault}, {@link CrashFault},
 *       {@link HangFault}, {@link SwapFault});</li>
 *   <li>{@link HealthMonitor}: the health tick and the run status;</li>
 *   <li>{@link GracefulShutdown}: the stop in order; {@link ManifestWriter}: the evidence files;</li>
 *   <li>{@link SourceIntake}: the replay feed or live source; {@link ControlThread}: control timers and hand-off.</li>
 * </ul>
 *
 * <p>Threads: "control" is the thread that called {@link #run()}; every supervision decision, health tick,
 * fault, extension call and manifest write happens on it (in simulation it is also the only thread that
 * touches stages). Other threads hand work to it through {@link ControlThread#post}.
 */
public final class Engine {

    static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final List<String> DEFAULT_SINK_TOPICS = List.of(Topics.DECISION, Topics.ORDER, Topics.FILL);
    /** One canonical mapper per JVM: its serializer caches stay warm across runs (thread-safe once built). */
    private static final ObjectMapper JSON = Json.canonical();

    enum Phase { INIT, RUNNING, STOPPING, DONE }

    // what the run is
    final ScenarioPlan plan;
    final Registry registry;
    final List<RunExtension> extensions;
    final EngineOptions options;
    private final String runId;
    final Path runDir;
    final io.soak.api.run.RunDirectory runDirectory;
    private final io.soak.engine.RunDirectoryClaim claim;
    final Baseline baseline;
    final Settings merged;
    final boolean sim;
    final RestartPolicy policy;
    final ObjectMapper json = JSON;

    // run-wide state (read by the parts)
    EngineClock clock;
    volatile Phase phase = Phase.INIT;
    final List<StageSlot> slots = new ArrayList<>();
    final Map<String, StageSlot> slotByName = new LinkedHashMap<>();
    final List<SinkWriter> sinks = new ArrayList<>();
    /** End-to-end latency histograms (live and paced; nothing recorded at max pace). Set up with the clock. */
    Latency latency = new Latency(true, false, 1.0);
    /** Stage → "old → new" bundle versions of every swap with a jar (manifest {@code versions.swapped}). */
    final Map<String, String> swappedVersions = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, EngineMetrics> metrics = new ConcurrentHashMap<>();
    long startNanos;
    long endNanos;
    volatile long endedNanos = -1;
    long wallStart;
    String stopReason = "";
    final Map<String, String> extensionErrors = Collections.synchronizedMap(new TreeMap<>());
    Map<String, Object> verdictSection;

    // the parts
    final ControlThread control;
    final InProcessTransport bus;
    final SourceIntake intake;
    final Driver driver;
    final Supervisor supervisor;
    final FaultInjector faults;
    final HealthMonitor health;
    final GracefulShutdown shutdown;
    final ManifestWriter manifest;
    final MinuteRelay minutes;
    final ExtensionContext runContext;
    /** Cluster mode ({@code cluster.kafka} set): the bus across nodes; null otherwise (docs/scale-out.md). */
    io.soak.engine.ClusterBus cluster;
    /** Cluster mode: a local stage reads the feed (this node announces the run's start and ends on the feed). */
    boolean sourceNode = true;
    private final Consumer<Registry.Change> registryListener;

    public Engine(ScenarioPlan plan, Registry registry, List<RunExtension> extensions, EngineOptions options) {
        this.plan = plan;
        this.registry = registry;
        this.extensions = List.copyOf(extensions);
        this.options = options;
        this.runId = (options.runId() != null ? io.soak.api.run.RunId.of(options.runId())
                : io.soak.api.run.RunId.generate(plan.name())).value();
        this.runDirectory = io.soak.api.run.RunDirectory.of(options.runsRoot(), io.soak.api.run.RunId.of(runId));
        this.runDir = runDirectory.root();
        Map<String, Object> m = new TreeMap<>(options.defaults().values());
        m.putAll(plan.config());
        this.merged = new Settings(m);
        this.baseline = new Baseline(plan, ClusterSetUp.localStages(this)); // a cluster node: its share of the stages
        this.sim = plan.simulated();
        this.policy = plan.restartPolicy() == null ? RestartPolicy.defaults() : plan.restartPolicy();
        this.control = new ControlThread(sim);
        this.bus = new InProcessTransport(this);
        this.intake = new SourceIntake(this);
        this.driver = sim ? new SimulationDriver(this) : new ThreadedDriver(this);
        this.supervisor = new Supervisor(this);
        this.faults = new FaultInjector(this);
        this.health = new HealthMonitor(this);
        this.shutdown = new GracefulShutdown(this);
        this.manifest = new ManifestWriter(this);
        this.minutes = new MinuteRelay(this);
        this.runContext = new ExtensionContext(this);
        this.registryListener = supervisor::onRegistryChange;
        try {
            // one run, one directory: created (or replaced when asked) and locked before anything is written
            this.claim = io.soak.engine.RunDirectoryClaim.claim(runDirectory, options.replace());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the run directory " + runDir + ": " + e.getMessage(), e);
        }
    }

    // =========================================================================================== public

    public String runId() {
        return runId;
    }

    public Path runDirectory() {
        return runDir;
    }

    public RunStatus status() {
        return health.status();
    }

    public void requestStop(String reason) {
        shutdown.request(reason);
    }

    public String inject(FaultSpec fault) {
        return faults.inject(fault);
    }

    EngineMetrics metrics(String component) {
        return metrics.computeIfAbsent(component, c -> new EngineMetrics());
    }

    // =========================================================================================== run order

    public RunOutcome run() {
        control.bind();
        wallStart = System.nanoTime();
        List<String> failures = new ArrayList<>();
        int exit;
        Throwable runtimeFailure = null;
        try {
            setUp();
            for (RunExtension x : extensions) {
                x.beforeStart(runContext);
            }
            startStagesAndSinks();
            phase = Phase.RUNNING;
            scheduleRunTimers();
            if (cluster != null) {
                cluster.start();
            }
            if (!sourceNode) {
                // cluster node without the feed: its events arrive from the cluster bus
            } else if (plan.mode() == Mode.REPLAY) {
                driver.startFeed();
            } else {
                intake.startLive();
            }
            health.resources.sample(); // a run that ends before its first health tick still has a sample
            manifest.writeSource();
            manifest.refresh(true);
            driver.loop();
        } catch (Throwable t) {
            runtimeFailure = t;
            LOG.error("run {} failed: {}", runId, StageSlot.oneLine(t), t);
            shutdown.emergency();
        }
        registry.removeListener(registryListener);
        health.resources.sample(); // the end of the run: the peak (VmHWM) covers everything since the start
        if (endedNanos < 0) {
            endedNanos = clock == null ? 0 : clock.nanos();
        }
        Map<String, Object> tree = Map.of();
        try {
            if (runtimeFailure == null) {
                // each extension sees the sections of those before it (the summaries copy the final export figures)
                for (RunExtension x : extensions.stream().sorted(java.util.Comparator.comparingInt(RunExtension::afterRunOrder)).toList()) {
                    try {
                        x.afterRun(runContext, Collections.unmodifiableMap(manifest.tree()));
                    } catch (Exception e) {
                        extensionErrors.put(x.name(), "afterRun: " + StageSlot.oneLine(e));
                        LOG.error("extension {} failed after the run: {}", x.name(), StageSlot.oneLine(e), e);
                        runtimeFailure = e;
                    }
                }
            }
            baseline.recordEvidence(EvidenceConsistency.check(runDirectory, manifest.tree()));
            tree = manifest.tree();
            // a cluster node judges its own baseline; the scenario's criteria are judged on the merged evidence
            // (soak merge, docs/scale-out.md), where every node's figures are
            Verdict.Result v = Baseline.evaluate(cluster != null ? plan.expectations().stream()
                    .filter(c -> Baseline.WAIVE_OP.equals(c.op())).toList() : plan.expectations(), tree);
            verdictSection = v.section();
            failures.addAll(v.failures());
            if (runtimeFailure != null) {
                verdictSection.put("passed", false);
                verdictSection.put("status", "ERROR");
                verdictSection.put("runtime_failure", StageSlot.oneLine(runtimeFailure));
            }
            tree = manifest.tree();
            manifest.write(tree);
            // in afterRun order, each seeing what those before it did (the summaries copy the pushed run summary)
            for (RunExtension x : extensions.stream().sorted(java.util.Comparator.comparingInt(RunExtension::afterRunOrder)).toList()) {
                try {
                    x.afterVerdict(runContext, Collections.unmodifiableMap(manifest.tree()));
                } catch (Exception e) {
                    extensionErrors.put(x.name(), "afterVerdict: " + StageSlot.oneLine(e));
                    LOG.error("extension {} failed after the verdict: {}", x.name(), StageSlot.oneLine(e), e);
                    runtimeFailure = runtimeFailure == null ? e : runtimeFailure;
                }
            }
            tree = manifest.tree();
            manifest.write(tree);
            manifest.writeSource();
        } catch (Throwable t) {
            LOG.error("run {}: writing the evidence failed: {}", runId, StageSlot.oneLine(t), t);
            runtimeFailure = runtimeFailure == null ? t : runtimeFailure;
        }
        if (runtimeFailure != null) {
            exit = 3;
            failures.add(0, "runtime failure: " + StageSlot.oneLine(runtimeFailure));
        } else {
            exit = failures.isEmpty() ? 0 : 1;
        }
        phase = Phase.DONE;
        if (cluster != null) {
            cluster.close();
        }
        claim.close();
        return new RunOutcome(runId, runDir, exit, failures, tree);
    }

    // =========================================================================================== set-up

    private void setUp() throws Exception {
        Files.createDirectories(runDir);
        // topics and stage slots, in pipeline order
        int defaultCapacity = (int) merged.integer("engine.queues.default", 8192);
        Map<String, StageFactory> factories = new LinkedHashMap<>();
        List<String> stageKinds = ClusterSetUp.localStages(this);
        for (String kind : stageKinds) {
            StageFactory f = registry.stage(kind).orElseThrow(() -> new IllegalStateException(
                    "no stage factory of kind '" + kind + "' (known: " + registry.keys(Registry.STAGE) + ")"));
            factories.put(kind, f);
            int cap = (int) merged.integer("engine.queues." + kind, defaultCapacity);
            Inbox inbox = sim ? new Inbox.Sim(cap) : new Inbox.Threaded(cap);
            StageSlot s = new StageSlot(this, kind, slots.size(), inbox, metrics(kind), componentSettings(kind));
            s.factory = f;
            slots.add(s);
            slotByName.put(kind, s);
        }
        for (StageSlot s : slots) {
            for (String in : factories.get(s.name).inputs()) {
                bus.subscribe(in, s);
            }
        }
        for (StageSlot s : slots) {
            List<StageSlot> down = new ArrayList<>();
            for (String out : factories.get(s.name).outputs()) {
                for (StageSlot c : bus.consumers(out)) {
                    if (c != s && !down.contains(c)) {
                        down.add(c);
                    }
                }
            }
            s.downstream = down.toArray(new StageSlot[0]);
        }
        bus.observe(Topics.MINUTE);
        for (String t : merged.list("sinks.topics", DEFAULT_SINK_TOPICS)) {
            bus.toSinks(t);
        }
        bus.ready(new RowMaker(json, runId));
        if (merged.string("cluster.kafka", "").isBlank()) {
            sourceNode = true;
        } else {
            cluster = ClusterSetUp.open(this, factories);
            sourceNode = !bus.consumers(Topics.RAW).isEmpty();
        }
        // source: the first message fixes the start of a replay
        if (!sourceNode) {
            // cluster node without the feed: the source node's announced start, on the same paced clock
            long[] anchor = cluster.awaitStart(java.time.Duration.ofMillis(merged.integer("cluster.start_timeout_ms", 120_000)));
            double pace = plan.mode() == Mode.REPLAY ? plan.pace().multiplier() : 1.0;
            startNanos = anchor[0] + (long) ((wallNowNanos() - anchor[1]) * pace);
            clock = new EngineClock.Scaled(startNanos, pace);
            // the run ends when the cluster says so (upstream done); the duration plus a grace bounds it
            endNanos = anchor[0] + plan.duration().toNanos()
                    + (long) (merged.integer("cluster.end_grace_ms", 120_000) * 1_000_000L * pace);
        } else if (plan.mode() == Mode.REPLAY) {
            long first = intake.openReplay();
            startNanos = first >= 0 ? first : wallNowNanos();
            clock = sim ? new EngineClock.Virtual(startNanos) : new EngineClock.Scaled(startNanos, plan.pace().multiplier());
        } else {
            startNanos = wallNowNanos();
            clock = new EngineClock.Scaled(startNanos, 1.0);
        }
        if (sourceNode) {
            endNanos = startNanos + plan.duration().toNanos();
            if (cluster != null) {
                cluster.announceStart(startNanos, wallNowNanos());
            }
        }
        latency = new Latency(sim, plan.mode() == Mode.LIVE, plan.mode() == Mode.LIVE ? 1.0 : plan.pace().multiplier());
        for (StageSlot s : slots) {
            s.handledLatency = latency.hop("receive_to_handled." + s.name);
        }
        bus.traceLatency(latency);
        registry.addListener(registryListener);
    }

    /**
     * The settings a component gets: {@code merged.scope(scope)} plus {@code source.symbols} and
     * {@code source.streams}, the plan's source subscription (when non-empty). They describe what this run
     * subscribes, so they replace any same-named key of the scope; a component that needs the subscription
     * (the harvest stage's substream watch) reads them instead of a configured list of its own.
     */
    Settings componentSettings(String scope) {
        Map<String, Object> v = new HashMap<>(merged.scope(scope).values());
        SourceSpec src = plan.source();
        if (src != null && !src.symbols().isEmpty()) {
            v.put("source.symbols", src.symbols());
        }
        if (src != null && !src.streams().isEmpty()) {
            v.put("source.streams", src.streams());
        }
        return new Settings(v);
    }

    private static long wallNowNanos() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private void startStagesAndSinks() throws Exception {
        int batch = (int) merged.integer("sinks.batch_rows", 5000);
        long interval = merged.integer("sinks.commit_interval_ms", 1000);
        for (String type : expandSinks(plan.sinks())) {
            SinkFactory f = registry.sink(type).orElseThrow(() -> new IllegalStateException(
                    "no sink of type '" + type + "' (known: " + registry.keys(Registry.SINK) + ")"));
            // the writer's counters (batches, commits, crashes, rewrites) and the sink's own (fsyncs,
            // transactions, conflicts) are kept apart: they share names such as "commits"
            EngineMetrics m = metrics("sink." + type);
            EngineMetrics own = metrics("sink." + type + ".own");
            Settings cfg = componentSettings(type);
            SinkContext ctx = new SinkContext() {
                public String runId() { return runId; }
                public Path runDirectory() { return runDir; }
                public Settings config() { return cfg; }
                public Clock clock() { return clock; }
                public StageMetrics metrics() { return own; }
            };
            // simulation: a commit per virtual minute by default. Durability bounds wall-clock exposure, and a
            // virtual second lasts microseconds at max pace: a 1 s interval would fsync 3,600 times an hour of
            // simulated feed for nothing (docs/engine.md). Virtual time keeps the run deterministic.
            long commitMs = sim ? merged.integer("sinks.simulation_commit_interval_ms", 60_000) : interval;
            SinkWriter w = new SinkWriter(this, type, f, ctx, m, batch, commitMs);
            w.traceLatency(latency);
            w.groupCommit = !sim && merged.flag("sinks.group_commit", true);
            w.open();
            sinks.add(w);
            if (!sim) {
                w.startThread();
            }
        }
        latency.sinks(sinks.size());
        // downstream first: report, broker, signal, harvest
        for (int i = slots.size() - 1; i >= 0; i--) {
            supervisor.launchInstance(slots.get(i), null);
        }
        if (sim) {
            for (StageSlot s : slots) {
                if (!s.running()) {
                    throw new IllegalStateException("stage " + s.name + " did not start");
                }
            }
        }
    }

    private static List<String> expandSinks(List<String> sinks) {
        List<String> out = new ArrayList<>();
        for (String s : sinks) {
            if (s.equals("dual")) {
                out.add("jsonl");
                out.add("sqlite");
            } else {
                out.add(s);
            }
        }
        return out.stream().distinct().toList();
    }

    /** The control timers of the run: health tick, watchdog, planned faults, simulated sink commits, the end. */
    private void scheduleRunTimers() {
        long interval = health.interval().toNanos();
        control.timer(startNanos + interval, interval, TimerQueue.PRIO_NORMAL, health::tick);
        long hb = policy.heartbeatTimeout().toNanos();
        long watch = Math.max(50_000_000L, hb / 4);
        control.timer(startNanos + watch, watch, TimerQueue.PRIO_NORMAL, supervisor::watchdog);
        faults.schedulePlanned();
        if (sim) {
            for (SinkWriter w : sinks) {
                long p = w.commitIntervalNanos();
                control.timer(startNanos + p, p, TimerQueue.PRIO_NORMAL, w::commit);
            }
        }
        control.timer(endNanos, 0, TimerQueue.PRIO_LAST, () -> shutdown.begin("duration"));
    }
}
