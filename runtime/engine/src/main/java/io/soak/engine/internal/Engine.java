package io.soak.engine.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.sink.Row;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import io.soak.api.source.FeedEmulator;
import io.soak.api.source.FeedSource;
import io.soak.api.source.Ingress;
import io.soak.api.source.RawMessage;
import io.soak.api.source.ReplayFeed;
import io.soak.api.source.SourceContext;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Settings;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stage.Topics;
import io.soak.api.stats.MinuteStats;
import io.soak.api.time.Cancellable;
import io.soak.api.time.Clock;
import io.soak.api.time.Scheduler;
import io.soak.engine.EngineOptions;
import io.soak.engine.Json;
import io.soak.engine.Registry;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.engine.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link io.soak.engine.SoakRun}: builds the bus and the stage slots from the plan, drives
 * them (deterministic single-threaded simulation, or one runner thread per stage), supervises them (restart
 * policy, heartbeat stalls, hot swap when a factory goes and comes back), injects faults, computes health,
 * stops gracefully in order, and writes the run and source manifests and the verdict.
 *
 * <p>Threads: "control" is the thread that called {@link #run()}; every supervision decision, health tick,
 * fault, extension call and manifest write happens on it (in simulation it is also the only thread that
 * touches stages). Other threads hand work to it through {@link #external}.
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final List<String> DEFAULT_SINK_TOPICS = List.of(Topics.DECISION, Topics.ORDER, Topics.FILL);
    private static final int HISTORY_LIMIT = 10_000;
    private static final int HISTORY_IN_MANIFEST = 1_000;

    enum Phase { INIT, RUNNING, STOPPING, DONE }

    private final ScenarioPlan plan;
    private final Registry registry;
    private final List<RunExtension> extensions;
    private final EngineOptions options;
    private final String runId;
    private final Path runDir;
    private final io.soak.api.run.RunDirectory runDirectory;
    private final io.soak.engine.RunDirectoryClaim claim;
    private final Baseline baseline;
    private final Settings merged;
    private final boolean sim;
    private final RestartPolicy policy;
    /** One canonical mapper per JVM: its serializer caches stay warm across runs (thread-safe once built). */
    private static final ObjectMapper JSON = Json.canonical();
    private final ObjectMapper json = JSON;

    private EngineClock clock;
    private final TimerQueue control = new TimerQueue(); // sim: every timer; threaded: control timers (guarded)
    private final LinkedBlockingQueue<Runnable> external = new LinkedBlockingQueue<>();
    private volatile Thread controlThread;
    private volatile Phase phase = Phase.INIT;

    private final List<StageSlot> slots = new ArrayList<>();
    private final Map<String, StageSlot> slotByName = new LinkedHashMap<>();
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final List<SinkWriter> sinks = new ArrayList<>();
    private final ConcurrentHashMap<String, EngineMetrics> metrics = new ConcurrentHashMap<>();
    private RowMaker rows;
    private Topic rawTopic;
    private StageSlot ingressSlot;

    // source
    private ReplayFeed replay;
    private RawMessage nextMessage;
    private boolean feedEnded;
    private FeedSource liveSource;
    private FeedEmulator emulator;
    private Thread feeder;
    private volatile boolean intakeStopped;
    private long messagesRead;

    // times (engine nanos)
    private long startNanos;
    private long endNanos;
    private volatile long endedNanos = -1;
    private long wallStart;
    private String stopReason = "";

    // records
    private final List<Long> backoffPattern = new ArrayList<>();
    private final List<Records.Fault> faults = new ArrayList<>();
    private final List<Map<String, Object>> shutdownOrder = new ArrayList<>();
    private final ArrayDeque<Map<String, Object>> history = new ArrayDeque<>();
    private long ticks;
    private long greenTicks;
    private final ResourceSampler resources = new ResourceSampler();
    private final TreeMap<Long, List<MinuteStats>> openMinutes = new TreeMap<>();
    private long minutesDelivered;
    private final Map<String, String> extensionErrors = new TreeMap<>();
    private Map<String, Object> verdictSection;
    private long lastManifestWall;
    private final Consumer<Registry.Change> registryListener = this::onRegistryChange;
    private final RunCtx runContext = new RunCtx();
    private volatile RunStatus lastStatus;

    public Engine(ScenarioPlan plan, Registry registry, List<RunExtension> extensions, EngineOptions options) {
        this.plan = plan;
        this.registry = registry;
        this.extensions = List.copyOf(extensions);
        this.options = options;
        this.runId = (options.runId() != null ? io.soak.api.run.RunId.of(options.runId())
                : io.soak.api.run.RunId.generate(plan.name())).value();
        this.runDirectory = io.soak.api.run.RunDirectory.of(options.runsRoot(), io.soak.api.run.RunId.of(runId));
        this.runDir = runDirectory.root();
        this.baseline = new Baseline(plan);
        try {
            this.claim = io.soak.engine.RunDirectoryClaim.claim(runDirectory, options.replace());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the run directory " + runDir + ": " + e.getMessage(), e);
        }
        Map<String, Object> m = new TreeMap<>(options.defaults().values());
        m.putAll(plan.config());
        this.merged = new Settings(m);
        this.sim = plan.simulated();
        this.policy = plan.restartPolicy() == null ? RestartPolicy.defaults() : plan.restartPolicy();
    }

    // =========================================================================================== accessors

    public String runId() {
        return runId;
    }

    public Path runDirectory() {
        return runDir;
    }

    ScenarioPlan plan() {
        return plan;
    }

    EngineClock clock() {
        return clock;
    }

    boolean simulated() {
        return sim;
    }

    EngineMetrics metrics(String component) {
        return metrics.computeIfAbsent(component, c -> new EngineMetrics());
    }

    // =========================================================================================== run

    public RunOutcome run() {
        controlThread = Thread.currentThread();
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
            startSource();
            resources.sample(); // a run that ends before its first health tick still has a sample
            writeSourceManifest();
            refreshManifest(true);
            if (sim) {
                simLoop();
            } else {
                controlLoop();
            }
        } catch (Throwable t) {
            runtimeFailure = t;
            LOG.error("run {} failed: {}", runId, StageSlot.oneLine(t), t);
            emergencyStop();
        }
        registry.removeListener(registryListener);
        resources.sample(); // the end of the run: the peak (VmHWM) covers everything since the start
        if (endedNanos < 0) {
            endedNanos = clock == null ? 0 : clock.nanos();
        }
        Map<String, Object> tree = Map.of();
        try {
            if (runtimeFailure == null) {
                // each extension sees the sections of those before it (the summaries copy the final export figures)
                for (RunExtension x : extensions.stream().sorted(java.util.Comparator.comparingInt(RunExtension::afterRunOrder)).toList()) {
                    try {
                        x.afterRun(runContext, java.util.Collections.unmodifiableMap(manifestTree()));
                    } catch (Exception e) {
                        extensionErrors.put(x.name(), "afterRun: " + StageSlot.oneLine(e));
                        LOG.error("extension {} failed after the run: {}", x.name(), StageSlot.oneLine(e), e);
                        runtimeFailure = e;
                    }
                }
            }
            baseline.recordEvidence(EvidenceConsistency.check(runDirectory, manifestTree()));
            tree = manifestTree();
            Verdict.Result v = Baseline.evaluate(plan.expectations(), tree);
            verdictSection = v.section();
            failures.addAll(v.failures());
            if (runtimeFailure != null) {
                verdictSection.put("passed", false);
                verdictSection.put("status", "ERROR");
                verdictSection.put("runtime_failure", StageSlot.oneLine(runtimeFailure));
            }
            tree = manifestTree();
            writeManifest(tree);
            for (RunExtension x : extensions) {
                try {
                    x.afterVerdict(runContext, java.util.Collections.unmodifiableMap(tree));
                } catch (Exception e) {
                    extensionErrors.put(x.name(), "afterVerdict: " + StageSlot.oneLine(e));
                    LOG.error("extension {} failed after the verdict: {}", x.name(), StageSlot.oneLine(e), e);
                    runtimeFailure = runtimeFailure == null ? e : runtimeFailure;
                }
            }
            tree = manifestTree();
            writeManifest(tree);
            writeSourceManifest();
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
        claim.close();
        return new RunOutcome(runId, runDir, exit, failures, tree);
    }

    // =========================================================================================== set-up

    private void setUp() throws Exception {
        Files.createDirectories(runDir);
        // topics and stage slots, in pipeline order
        int defaultCapacity = (int) merged.integer("engine.queues.default", 8192);
        Map<String, StageFactory> factories = new LinkedHashMap<>();
        for (String kind : plan.stages()) {
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
                Topic t = topic(in);
                StageSlot[] c = java.util.Arrays.copyOf(t.consumers, t.consumers.length + 1);
                c[c.length - 1] = s;
                t.consumers = c;
            }
        }
        for (StageSlot s : slots) {
            List<StageSlot> down = new ArrayList<>();
            for (String out : factories.get(s.name).outputs()) {
                for (StageSlot c : topic(out).consumers) {
                    if (c != s && !down.contains(c)) {
                        down.add(c);
                    }
                }
            }
            s.downstream = down.toArray(new StageSlot[0]);
        }
        rawTopic = topic(Topics.RAW);
        ingressSlot = rawTopic.consumers.length > 0 ? rawTopic.consumers[0] : null;
        topic(Topics.MINUTE).observed = true;
        for (String t : merged.list("sinks.topics", DEFAULT_SINK_TOPICS)) {
            topic(t).toSinks = true;
        }
        rows = new RowMaker(json, runId);
        // source: the first message fixes the start of a replay
        SourceSpec spec = plan.source();
        if (plan.mode() == io.soak.api.plan.Mode.REPLAY) {
            replay = openReplay(spec);
            nextMessage = replay.next();
            if (nextMessage == null) {
                feedEnded = true;
            }
            startNanos = nextMessage != null ? nextMessage.receivedNanos() : wallNowNanos();
            clock = sim ? new EngineClock.Virtual(startNanos) : new EngineClock.Scaled(startNanos, plan.pace().multiplier());
        } else {
            startNanos = wallNowNanos();
            clock = new EngineClock.Scaled(startNanos, 1.0);
        }
        endNanos = startNanos + plan.duration().toNanos();
        registry.addListener(registryListener);
    }

    /**
     * The settings a component gets: {@code merged.scope(scope)} plus {@code source.symbols} and
     * {@code source.streams}, the plan's source subscription (when non-empty). They describe what this run
     * subscribes, so they replace any same-named key of the scope; a component that needs the subscription
     * (the harvest stage's substream watch) reads them instead of a configured list of its own.
     */
    Settings componentSettings(String scope) {
        Map<String, Object> v = new java.util.HashMap<>(merged.scope(scope).values());
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

    private ReplayFeed openReplay(SourceSpec spec) throws IOException {
        var f = registry.replay(spec.type());
        if (f.isPresent()) {
            return f.get().open(spec, plan.seed());
        }
        if ("capture".equals(spec.type())) {
            return new CaptureReplayFeed(spec.files());
        }
        throw new IllegalStateException("no replay feed of type '" + spec.type() + "' (known: "
                + registry.keys(Registry.REPLAY) + ", capture)");
    }

    Topic topic(String name) {
        Topic t = topics.get(name);
        return t != null ? t : topics.computeIfAbsent(name, Topic::new);
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
            w.open();
            sinks.add(w);
            if (!sim) {
                w.startThread();
            }
        }
        // downstream first: report, broker, signal, harvest
        for (int i = slots.size() - 1; i >= 0; i--) {
            launchInstance(slots.get(i), null);
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

    private void scheduleRunTimers() {
        long interval = (plan.healthInterval() == null ? Duration.ofSeconds(10) : plan.healthInterval()).toNanos();
        controlTimer(startNanos + interval, interval, TimerQueue.PRIO_NORMAL, this::healthTick);
        long hb = policy.heartbeatTimeout().toNanos();
        long watch = Math.max(50_000_000L, hb / 4);
        controlTimer(startNanos + watch, watch, TimerQueue.PRIO_NORMAL, this::watchdog);
        for (FaultSpec f : plan.faults()) {
            controlTimer(startNanos + f.at().toNanos(), 0, TimerQueue.PRIO_NORMAL, () -> {
                if (phase == Phase.RUNNING) {
                    try {
                        applyFault(f);
                    } catch (RuntimeException e) {
                        // a scheduled fault that cannot apply (stage restarting, no emulator) is evidence, not a crash
                        Records.Fault rec = new Records.Fault(f.kind(), f.target(), clock.nanos(), f.params(),
                                "not applied: " + e.getMessage());
                        faults.add(rec);
                        LOG.warn("fault {} on {} not applied: {}", f.kind(), f.target(), e.getMessage());
                    }
                }
            });
        }
        if (sim) {
            for (SinkWriter w : sinks) {
                long p = w.commitIntervalNanos();
                controlTimer(startNanos + p, p, TimerQueue.PRIO_NORMAL, w::commit);
            }
        }
        controlTimer(endNanos, 0, TimerQueue.PRIO_LAST, () -> beginStop("duration"));
    }

    private void startSource() throws Exception {
        if (replay != null) {
            if (!sim) {
                feeder = new Thread(this::pacedFeed, "soak-replay-feed");
                feeder.setDaemon(true);
                feeder.start();
            }
            return;
        }
        SourceSpec spec = plan.source();
        if (spec.usesEmulator()) {
            var ef = registry.emulator("binance").orElseThrow(() -> new IllegalStateException(
                    "the scenario asks for the feed emulator but no emulator is installed"));
            emulator = ef.start(spec, plan.seed());
            spec = new SourceSpec(spec.type(), spec.symbols(), spec.streams(), emulator.endpoint(), spec.files(),
                    spec.loop(), spec.aliases(), spec.emulator(), spec.settings());
        }
        var factory = registry.feed(spec.type()).orElseThrow(() -> new IllegalStateException(
                "no live feed source of type '" + plan.source().type() + "' (known: " + registry.keys(Registry.FEED) + ")"));
        liveSource = factory.create();
        SourceSpec finalSpec = spec;
        EngineMetrics sm = metrics("source");
        Settings cfg = componentSettings("source");
        Ingress ingress = this::ingressOffer;
        liveSource.start(new SourceContext() {
            public String runId() { return runId; }
            public SourceSpec spec() { return finalSpec; }
            public Settings config() { return cfg; }
            public Clock clock() { return clock; }
            public Scheduler scheduler() { return runContext.scheduler(); }
            public StageMetrics metrics() { return sm; }
            public Ingress ingress() { return ingress; }
            public Path runDirectory() { return runDir; }
        });
    }

    // =========================================================================================== the bus

    /** Live ingress: never blocks; a full queue drops and counts. Thread-safe. */
    boolean ingressOffer(RawMessage m) {
        if (intakeStopped || m == null) {
            return false;
        }
        Topic t = rawTopic;
        StageSlot in = ingressSlot;
        synchronized (t) {
            if (in == null) {
                t.dropped++;
                return false;
            }
            Envelope e = new Envelope(t.name, t.seq + 1, clock.nanos(), m);
            if (!in.inbox.offer(e)) {
                t.dropped++;
                metrics("source").increment("queue_dropped");
                return false;
            }
            t.seq++;
            t.published++;
            in.enqueued.incrementAndGet();
            for (int i = 1; i < t.consumers.length; i++) {
                // further raw consumers never block the socket either
                if (t.consumers[i].inbox.offer(e)) {
                    t.consumers[i].enqueued.incrementAndGet();
                } else {
                    metrics("source").increment("queue_dropped_secondary");
                }
            }
        }
        return true;
    }

    /** Replay ingress: the caller checked the queue has room (simulation) or blocks (paced replay). */
    private void ingressPut(RawMessage m) throws InterruptedException {
        messagesRead++;
        Topic t = rawTopic;
        if (sim) {
            t.seq++;
            t.published++;
            Envelope e = new Envelope(t.name, t.seq, clock.nanos(), m);
            for (StageSlot c : t.consumers) {
                c.inbox.put(e);
            }
            return;
        }
        synchronized (t) {
            t.seq++;
            t.published++;
            Envelope e = new Envelope(t.name, t.seq, clock.nanos(), m);
            for (StageSlot c : t.consumers) {
                deliverBlocking(c, e, null);
            }
        }
    }

    /** Publishes one emission of {@code from} (called after its handle returned). */
    void publish(StageSlot from, String topicName, Object payload) throws InterruptedException {
        Topic t = topic(topicName);
        if (sim) {
            long seq = ++t.seq;
            t.published++;
            Envelope e = new Envelope(topicName, seq, clock.nanos(), payload);
            StageSlot[] cs = t.consumers;
            for (StageSlot c : cs) {
                c.inbox.put(e);
            }
            if (t.toSinks) {
                toSinks(e);
            }
            if (t.observed) {
                observe(e);
            }
            return;
        }
        synchronized (t) {
            long seq = ++t.seq;
            t.published++;
            Envelope e = new Envelope(topicName, seq, clock.nanos(), payload);
            for (StageSlot c : t.consumers) {
                deliverBlocking(c, e, from);
            }
            if (t.toSinks) {
                toSinks(e);
            }
            if (t.observed) {
                external.add(() -> observe(e));
            }
        }
    }

    private void deliverBlocking(StageSlot c, Envelope e, StageSlot from) throws InterruptedException {
        if (!c.inbox.offer(e)) {
            if (from != null) {
                from.waitingDownstream = true;
            }
            try {
                while (!c.inbox.offer(e, 20_000_000L)) {
                    if (from != null) {
                        from.lastProgress = clock.nanos(); // waiting on backpressure is not a stall of its own
                    }
                    if ("failed".equals(c.state) && phase != Phase.RUNNING) {
                        c.discarded.incrementAndGet();
                        return;
                    }
                }
            } finally {
                if (from != null) {
                    from.waitingDownstream = false;
                }
            }
        }
        c.enqueued.incrementAndGet();
    }

    private void toSinks(Envelope e) throws InterruptedException {
        if (sinks.isEmpty()) {
            return;
        }
        Row r = rows.row(e);
        for (SinkWriter w : sinks) {
            if (sim) {
                w.accept(r);
            } else {
                w.put(r);
            }
        }
    }

    /** Minute statistics: group rows of one minute, call the extensions when the {@code all} row arrives. */
    private void observe(Envelope e) {
        if (!(e.payload() instanceof MinuteStats ms)) {
            return;
        }
        List<MinuteStats> rowsOfMinute = openMinutes.computeIfAbsent(ms.minuteStartMs(), k -> new ArrayList<>());
        rowsOfMinute.add(ms);
        if (MinuteStats.ALL.equals(ms.symbol())) {
            openMinutes.remove(ms.minuteStartMs());
            minutesDelivered++;
            List<MinuteStats> minute = List.copyOf(rowsOfMinute);
            for (RunExtension x : extensions) {
                try {
                    x.onMinute(runContext, minute);
                } catch (RuntimeException ex) {
                    extensionErrors.put(x.name(), "onMinute: " + StageSlot.oneLine(ex));
                    LOG.warn("extension {} failed on minute {}: {}", x.name(), ms.minuteStartMs(), StageSlot.oneLine(ex));
                }
            }
        }
    }

    // =========================================================================================== timers

    TimerQueue.Timer controlTimer(long due, long period, int prio, Runnable task) {
        if (sim) {
            return control.add(due, period, prio, task);
        }
        TimerQueue.Timer t;
        synchronized (control) {
            t = control.add(due, period, prio, task);
        }
        if (Thread.currentThread() != controlThread) {
            external.add(() -> { });
        }
        return t;
    }

    /** A stage instance's timer: runs on its runner, never with handle, cancelled with the instance. */
    Cancellable stageTimer(StageSlot slot, StageSlot.Ctx ctx, long due, long period, Runnable task) {
        if (!sim) {
            synchronized (slot.timers) {
                return slot.timers.add(due, period, TimerQueue.PRIO_NORMAL, task);
            }
        }
        TimerQueue.Timer[] self = new TimerQueue.Timer[1];
        Runnable wrapped = new Runnable() {
            @Override
            public void run() {
                if (ctx.dead || slot.gen != ctx.g) {
                    self[0].cancel();
                    return;
                }
                long now = clock.nanos();
                if (slot.hangUntil > now || !slot.running()) {
                    if (period == 0 && slot.running()) {
                        control.add(slot.hangUntil, 0, TimerQueue.PRIO_NORMAL, this);
                    }
                    return;
                }
                try {
                    task.run();
                    ctx.flush();
                } catch (Throwable t) {
                    ctx.discard();
                    stageDied(slot, ctx.g, "timer threw " + StageSlot.oneLine(t), t);
                }
            }
        };
        self[0] = control.add(due, period, TimerQueue.PRIO_NORMAL, wrapped);
        return self[0];
    }

    /** Runs {@code task} on the control thread (now, when already on it). */
    private void onControl(Runnable task) {
        if (Thread.currentThread() == controlThread) {
            task.run();
        } else {
            external.add(task);
        }
    }

    // =========================================================================================== simulation

    private void simLoop() throws Exception {
        EngineClock.Virtual vc = (EngineClock.Virtual) clock;
        while (phase != Phase.DONE) {
            Runnable x;
            while ((x = external.poll()) != null) {
                x.run();
            }
            if (phase == Phase.DONE) {
                break;
            }
            long tt = control.nextDue();
            long tm = Long.MAX_VALUE;
            if (!intakeStopped && nextMessage != null && (ingressSlot == null || !ingressSlot.inbox.full())) {
                tm = Math.max(nextMessage.receivedNanos(), vc.nanos());
            }
            if (tt == Long.MAX_VALUE && tm == Long.MAX_VALUE) {
                // nothing can move: let the run end where it is
                beginStop("stalled");
                continue;
            }
            if (tt <= tm) {
                vc.advanceTo(tt);
                TimerQueue.Timer t = control.pollDue(tt);
                if (t != null) {
                    t.task().run();
                }
            } else {
                vc.advanceTo(tm);
                ingressPut(nextMessage);
                nextMessage = replay.next();
                if (nextMessage == null) {
                    feedEnded = true;
                }
            }
            simDrain();
            if (feedEnded && phase == Phase.RUNNING && nextMessage == null) {
                metrics("source").fact("feed_exhausted", true);
                beginStop("feed_exhausted");
            }
        }
    }

    /** Delivers queued events in pipeline order until nothing more can move at this instant. */
    private void simDrain() {
        long now = clock.nanos();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (StageSlot s : slots) {
                while ("running".equals(s.state) && s.hangUntil <= now
                        && (!s.redeliver.isEmpty() || !s.inbox.isEmpty()) && !s.downstreamFull()) {
                    if (!simHandleOne(s, now)) {
                        break;
                    }
                    progress = true;
                }
                if ((s.inbox.isEmpty() && s.redeliver.isEmpty()) || s.downstreamFull()) {
                    s.lastProgress = now;
                }
            }
        }
    }

    private boolean simHandleOne(StageSlot s, long now) {
        StageSlot.Ctx c = s.ctx;
        Stage stage = s.instance;
        int g = s.gen;
        Envelope e = s.redeliver.pollFirst();
        if (e == null) {
            e = s.inbox.poll();
        }
        s.inFlight = e;
        try {
            if (s.crashPending) {
                s.crashPending = false;
                throw new StageSlot.InjectedCrash();
            }
            stage.handle(e);
        } catch (Throwable t) {
            c.discard();
            stageDied(s, g, t instanceof StageSlot.InjectedCrash ? "crash" : "exception: " + StageSlot.oneLine(t), t);
            return false;
        }
        s.inFlight = null;
        s.handled++;
        s.lastProgress = now;
        try {
            c.flush();
        } catch (InterruptedException ie) {
            throw new IllegalStateException(ie);
        }
        if (s.pendingRecovery != null) {
            recovered(s);
        }
        return true;
    }

    // =========================================================================================== threaded

    private void controlLoop() throws InterruptedException {
        while (phase != Phase.DONE) {
            controlStep(50_000_000L);
        }
    }

    /** One step of the control thread: due timers, then work from other threads (waits at most {@code maxWait}). */
    private void controlStep(long maxWaitWall) throws InterruptedException {
        long now = clock.nanos();
        TimerQueue.Timer t;
        long next;
        synchronized (control) {
            t = control.pollDue(now);
            next = control.nextDue();
        }
        if (t != null) {
            t.task().run();
        }
        Runnable x;
        while ((x = external.poll()) != null) {
            x.run();
        }
        if (t != null) {
            return;
        }
        long wait = next == Long.MAX_VALUE ? maxWaitWall : Math.min(maxWaitWall, clock.toWallNanos(next - now));
        if (wait > 0) {
            x = external.poll(wait, TimeUnit.NANOSECONDS);
            if (x != null) {
                x.run();
            }
        }
    }

    /** Paced replay: offers each message when the engine clock reaches its receive time; never drops. */
    private void pacedFeed() {
        try {
            while (!intakeStopped) {
                RawMessage m = nextMessage;
                if (m == null) {
                    feedEnded = true;
                    metrics("source").fact("feed_exhausted", true);
                    external.add(() -> beginStop("feed_exhausted"));
                    return;
                }
                if (m.receivedNanos() >= endNanos) {
                    return;
                }
                long wait;
                while ((wait = m.receivedNanos() - clock.nanos()) > 0 && !intakeStopped) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(20_000_000L, Math.max(1, clock.toWallNanos(wait))));
                }
                if (intakeStopped) {
                    return;
                }
                ingressPut(m);
                nextMessage = replay.next();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("replay feed failed: {}", StageSlot.oneLine(e), e);
            external.add(() -> beginStop("feed_failed: " + StageSlot.oneLine(e)));
        }
    }

    // =========================================================================================== supervision

    /** Creates and starts a new instance of {@code slot}'s stage (control thread). */
    private void launchInstance(StageSlot slot, byte[] restore) {
        // the factory the registry events left in the slot (set up from the registry at the start)
        StageFactory f = (StageFactory) slot.factory;
        if (f == null) {
            slot.state = "waiting_factory";
            return;
        }
        Stage stage;
        try {
            stage = f.create();
        } catch (RuntimeException e) {
            stageDied(slot, slot.gen, "create failed: " + StageSlot.oneLine(e), e);
            return;
        }
        int g = slot.gen;
        StageSlot.Ctx c = slot.new Ctx(g);
        slot.ctx = c;
        slot.instance = stage;
        slot.state = "starting";
        if (sim) {
            startInstance(slot, g, stage, c, restore);
        } else {
            Thread previous = slot.runner;
            Thread t = new Thread(() -> slot.runLoop(g, stage, c, previous, restore), "soak-stage-" + slot.name + "-" + g);
            t.setDaemon(true);
            slot.runner = t;
            t.start();
        }
    }

    /** Starts an instance on its runner (threaded) or inline (simulation); false when it failed. */
    boolean startInstance(StageSlot slot, int g, Stage stage, StageSlot.Ctx c, byte[] restore) {
        try {
            stage.start(c);
            if (restore != null) {
                stage.restore(restore);
            }
            c.flush();
        } catch (Throwable t) {
            c.discard();
            stageDied(slot, g, "start failed: " + StageSlot.oneLine(t), t);
            return false;
        }
        synchronized (slot) {
            if (slot.gen != g) {
                return false;
            }
            slot.state = "running";
        }
        slot.lastProgress = clock.nanos();
        if (slot.pendingRecovery != null && slot.backlog() == 0) {
            recovered(slot);
        }
        return true;
    }

    /** An instance died (any thread): invalidate it and let the control thread apply the restart policy. */
    void stageDied(StageSlot slot, int g, String cause, Throwable t) {
        if (!slot.invalidate(g)) {
            return;
        }
        slot.errors++;
        slot.state = "restarting";
        slot.metrics.increment("crashes");
        LOG.warn("stage {} died ({}); applying the restart policy", slot.name, cause);
        if (t != null && !(t instanceof StageSlot.InjectedCrash)) {
            LOG.debug("stage {} failure", slot.name, t);
        }
        onControl(() -> scheduleRestart(slot, cause, watchedFaults.remove(slot)));
    }

    /** Restart with backoff, or give up after maxRestarts within the window (control thread). */
    private void scheduleRestart(StageSlot slot, String cause, Records.Fault fault) {
        if (phase == Phase.DONE) {
            return;
        }
        long now = clock.nanos();
        long window = policy.window().toNanos();
        while (!slot.restartTimes.isEmpty() && slot.restartTimes.peekFirst() < now - window) {
            slot.restartTimes.pollFirst();
        }
        if (slot.restartTimes.size() >= policy.maxRestarts()) {
            slot.state = "failed";
            Records.Restart r = new Records.Restart(slot.restartCount + 1, cause, 0, now, true);
            synchronized (slot.restarts) {
                slot.restarts.add(r);
            }
            if (fault != null) {
                fault.effect += "; gave up: " + policy.maxRestarts() + " restarts within " + policy.window();
            }
            LOG.error("stage {} failed: {} restarts within {}; giving up", slot.name, policy.maxRestarts(), policy.window());
            return;
        }
        int n = slot.restartTimes.size() + 1;
        long backoffMs = policy.backoff(n).toMillis();
        slot.restartTimes.addLast(now);
        slot.restartCount++;
        backoffPattern.add(backoffMs);
        Records.Restart r = new Records.Restart(slot.restartCount, cause, backoffMs, now, false);
        r.fault = fault;
        synchronized (slot.restarts) {
            slot.restarts.add(r);
        }
        slot.pendingRecovery = r;
        slot.restartTimer = controlTimer(now + backoffMs * 1_000_000L, 0, TimerQueue.PRIO_NORMAL, () -> {
            if (phase != Phase.DONE && "restarting".equals(slot.state)) {
                launchInstance(slot, null);
            }
        });
    }

    /** The restarted instance handles events again (its runner, or the driver). */
    void recovered(StageSlot slot) {
        Records.Restart r = slot.pendingRecovery;
        if (r == null) {
            return;
        }
        slot.pendingRecovery = null;
        r.recoveredNanos = clock.nanos();
        long ms = r.recoveryMs();
        synchronized (slot.restarts) {
            slot.maxRecoveryMs = Math.max(slot.maxRecoveryMs, ms);
        }
        if (r.fault != null) {
            r.fault.endNanos = r.recoveredNanos;
            r.fault.effect += "; recovered in " + ms + " ms";
        }
    }

    /** Heartbeat stalls: a running stage with work that made no progress for heartbeatTimeout (control thread). */
    private void watchdog() {
        long now = clock.nanos();
        long hb = policy.heartbeatTimeout().toNanos();
        for (StageSlot s : slots) {
            if (s.running() && now - s.lastProgress > hb && s.backlog() > 0) {
                long age = (now - s.lastProgress) / 1_000_000L;
                LOG.warn("stage {} made no progress for {} ms with {} events waiting", s.name, age, s.backlog());
                s.metrics.increment("heartbeat_stalls");
                if (s.invalidate(s.gen)) {
                    s.errors++;
                    s.state = "restarting";
                    s.hangUntil = 0;
                    scheduleRestart(s, "heartbeat_stall (" + age + " ms)", watchedFaults.remove(s));
                }
            }
        }
    }

    /**
     * Registry events are acted on one by one, in the order they happened, each with the factory it names (never
     * by looking at the registry later: a bundle that is back before the control thread gets here must still
     * count as removed and re-added).
     */
    private void onRegistryChange(Registry.Change change) {
        if (!Registry.STAGE.equals(change.category()) || !slotByName.containsKey(change.key())) {
            return;
        }
        external.add(() -> {
            if (phase != Phase.RUNNING && phase != Phase.STOPPING) {
                return;
            }
            StageSlot s = slotByName.get(change.key());
            if (change.added()) {
                factoryAdded(s, change.factory());
            } else {
                factoryRemoved(s, change.factory());
            }
        });
    }

    /** The factory in use left: snapshot the live instance (if any), drop it, wait for a factory of the kind. */
    private void factoryRemoved(StageSlot s, Object removed) {
        if (removed != s.factory) {
            return; // not the one in use (an older version already replaced)
        }
        long now = clock.nanos();
        boolean wasRunning = s.running();
        byte[] snap = wasRunning ? snapshotAndInvalidate(s) : null;
        s.invalidate(s.gen);
        if (snap == null && s.swapSnapshot != null) {
            snap = s.swapSnapshot; // removed again before the restored instance could run: keep the older state
        }
        String before = s.state;
        s.state = "waiting_factory";
        s.factory = null;
        s.swapSnapshot = snap;
        s.swapPending = true;
        Records.Fault f = new Records.Fault("swap", s.name, now, Map.of(),
                "factory removed" + (snap == null ? "" : "; snapshot of " + snap.length + " bytes taken"));
        faults.add(f);
        s.restartCount++;
        Records.Restart r = new Records.Restart(s.restartCount, "factory_removed", 0, now, false);
        r.fault = f;
        synchronized (s.restarts) {
            s.restarts.add(r);
        }
        s.pendingRecovery = r;
        LOG.info("stage {}: factory removed (instance {}); waiting for one to be added", s.name,
                wasRunning ? "dropped" : "was " + before);
        // a factory already back (its added event follows this one) needs no revival
        if (options.revival() != null && registry.stage(s.name).isEmpty()) {
            try {
                options.revival().revive(s.name);
            } catch (RuntimeException e) {
                LOG.warn("revival of stage {} failed: {}", s.name, StageSlot.oneLine(e));
            }
        }
    }

    /**
     * A factory of a stage's kind was added: a waiting stage starts on it (restoring the snapshot taken at the
     * removal), a running one is swapped in place onto it, one in its restart backoff restarts on it.
     */
    private void factoryAdded(StageSlot s, Object added) {
        if (added == s.factory || !(added instanceof StageFactory)) {
            return;
        }
        switch (s.state) {
            case "waiting_factory" -> {
                s.factory = added;
                byte[] snap = s.swapSnapshot;
                s.swapSnapshot = null;
                s.swapPending = false;
                Records.Restart r = s.pendingRecovery;
                if (r != null && r.fault != null) {
                    r.fault.effect += "; new factory " + added.getClass().getName()
                            + (snap == null ? "" : "; snapshot restored");
                }
                launchInstance(s, snap);
            }
            case "running", "starting" -> {
                // a new version registered over the running one (no removal in between): swap in place
                s.factory = added;
                Records.Fault rec = new Records.Fault("swap", s.name, clock.nanos(), Map.of(), "");
                swapInstance(s, rec, "new factory " + added.getClass().getName());
            }
            case "restarting" -> s.factory = added; // the pending restart uses it
            default -> LOG.info("stage {} is {}: new factory {} not used", s.name, s.state, added.getClass().getName());
        }
    }

    // =========================================================================================== faults

    public String inject(FaultSpec fault) {
        if (phase != Phase.RUNNING) {
            throw new IllegalStateException("the run is not running (" + phase.name().toLowerCase() + ")");
        }
        if (Thread.currentThread() == controlThread) {
            return applyFault(fault);
        }
        CompletableFuture<String> f = new CompletableFuture<>();
        external.add(() -> {
            try {
                f.complete(applyFault(fault));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("fault injection did not complete: " + StageSlot.oneLine(e));
        }
    }

    /** Applies a fault now (control thread) and records it. */
    private String applyFault(FaultSpec spec) {
        long now = clock.nanos();
        String kind = spec.kind();
        String target = spec.target();
        Records.Fault rec = new Records.Fault(kind, target, now, spec.params(), "");
        if (kind.startsWith("feed-")) {
            if (emulator == null) {
                throw new IllegalArgumentException("fault " + kind + " needs the feed emulator, and this run has none");
            }
            rec.effect = emulator.inject(spec);
            rec.endNanos = spec.duration().isZero() ? now : now + spec.duration().toNanos();
            faults.add(rec);
            return rec.effect;
        }
        SinkWriter sink = sinks.stream().filter(w -> w.type.equals(target)).findFirst().orElse(null);
        StageSlot slot = slotByName.get(target);
        switch (kind) {
            case "kill" -> {
                StageSlot s = requireStage(slot, kind, target);
                if (!s.running()) {
                    throw new IllegalStateException("stage " + target + " is not running (" + s.state + ")");
                }
                boolean had;
                synchronized (s) {
                    had = s.inFlight != null;
                }
                if (!s.invalidate(s.gen)) {
                    throw new IllegalStateException("stage " + target + " is not running");
                }
                s.state = "restarting";
                s.hangUntil = 0;
                s.metrics.increment("kills");
                rec.effect = "killed instance" + (had ? "; in-flight event redelivered" : "");
                faults.add(rec);
                scheduleRestart(s, "kill", rec);
            }
            case "crash" -> {
                if (slot != null) {
                    slot.crashPending = true;
                    rec.effect = "next event throws inside the stage";
                } else if (sink != null) {
                    sink.crashPending = true;
                    rec.effect = "next write or commit of sink " + target + " throws";
                    rec.endNanos = now;
                } else {
                    throw new IllegalArgumentException("unknown crash target '" + target + "' (stages " + slotByName.keySet()
                            + ", sinks " + sinks.stream().map(w -> w.type).toList() + ")");
                }
                faults.add(rec);
                if (slot != null) {
                    // the crash's restart (scheduled when it happens) carries this record
                    watchCrash(slot, rec);
                }
            }
            case "hang" -> {
                StageSlot s = requireStage(slot, kind, target);
                long d = spec.duration().isZero() ? policy.heartbeatTimeout().toNanos() * 2 : spec.duration().toNanos();
                s.hangUntil = now + d;
                rec.endNanos = now + d;
                rec.effect = "stage makes no progress for " + Duration.ofNanos(d);
                faults.add(rec);
                if (sim) {
                    control.add(now + d, 0, TimerQueue.PRIO_NORMAL, () -> { });
                }
                watchCrash(s, rec);
            }
            case "swap" -> {
                StageSlot s = requireStage(slot, kind, target);
                if (!s.running()) {
                    throw new IllegalStateException("stage " + target + " is not running");
                }
                swapInstance(s, rec, "new instance");
            }
            default -> {
                String effect = null;
                for (RunExtension x : extensions) {
                    effect = x.onFault(runContext, spec);
                    if (effect != null) {
                        break;
                    }
                }
                if (effect == null) {
                    throw new IllegalArgumentException("fault kind '" + kind + "' is handled by nothing in this run"
                            + " (engine: kill, crash, hang, swap, feed-* with the emulator)");
                }
                rec.effect = effect;
                if (!spec.duration().isZero()) {
                    rec.endNanos = now + spec.duration().toNanos();
                }
                faults.add(rec);
            }
        }
        return rec.effect;
    }

    /**
     * Takes the live instance's snapshot and invalidates it in one step on its runner (between two events), so
     * no event is handled after the snapshot; if the runner does not answer, invalidates without a snapshot.
     */
    private byte[] snapshotAndInvalidate(StageSlot s) {
        int g = s.gen;
        Object[] answer = s.onRunner(() -> {
            Stage st = s.instance;
            byte[] b = null;
            try {
                b = st == null ? null : st.snapshot().orElse(null);
            } catch (RuntimeException e) {
                LOG.warn("stage {} snapshot failed: {}", s.name, StageSlot.oneLine(e));
            }
            s.invalidate(g);
            return new Object[] {b};
        }, 2000);
        s.invalidate(g);
        return answer == null ? null : (byte[]) answer[0];
    }

    /** Hot swap in place: snapshot of the live instance (on its runner), new instance, restore before any event. */
    private void swapInstance(StageSlot s, Records.Fault rec, String what) {
        long now = clock.nanos();
        byte[] snap = snapshotAndInvalidate(s);
        s.restartCount++;
        Records.Restart r = new Records.Restart(s.restartCount, "swap", 0, now, false);
        r.fault = rec;
        synchronized (s.restarts) {
            s.restarts.add(r);
        }
        s.pendingRecovery = r;
        rec.effect = "replaced by " + what + (snap == null ? " (no state)" : "; " + snap.length + " bytes of state moved");
        faults.add(rec);
        launchInstance(s, snap);
    }

    private final Map<StageSlot, Records.Fault> watchedFaults = new java.util.HashMap<>();

    /** Links a crash or hang fault to the restart it causes (if any). */
    private void watchCrash(StageSlot s, Records.Fault rec) {
        watchedFaults.put(s, rec);
    }

    private static StageSlot requireStage(StageSlot s, String kind, String target) {
        if (s == null) {
            throw new IllegalArgumentException("fault " + kind + ": no stage '" + target + "' in this run");
        }
        return s;
    }

    void sinkRecovered(SinkWriter w, String error, long atNanos, int rewritten) {
        onControl(() -> {
            Records.Fault f = new Records.Fault("sink_restart", w.type, atNanos, Map.of(),
                    "sink reopened after '" + error + "'; " + rewritten + " uncommitted rows written again");
            f.endNanos = clock.nanos();
            faults.add(f);
        });
    }

    void sinkFailed(SinkWriter w, String error, long atNanos) {
        onControl(() -> {
            Records.Fault f = new Records.Fault("sink_failed", w.type, atNanos, Map.of(),
                    "sink could not be reopened: " + error);
            faults.add(f);
        });
        LOG.error("sink {} failed for good: {}", w.type, error);
    }

    // =========================================================================================== health

    private void healthTick() {
        long now = clock.nanos();
        long hb = policy.heartbeatTimeout().toNanos();
        boolean green = true;
        Map<String, Object> perStage = new LinkedHashMap<>();
        for (StageSlot s : slots) {
            HealthState h = HealthState.HEALTHY;
            String detail = "";
            int depth = s.inbox.size();
            s.inbox.sampleDepth();
            int backlog = s.backlog();
            switch (s.state) {
                case "failed" -> {
                    h = HealthState.UNHEALTHY;
                    detail = "failed: gave up after " + policy.maxRestarts() + " restarts";
                }
                case "running" -> {
                    long age = now - s.lastProgress;
                    if (backlog > 0 && age > hb) {
                        h = HealthState.UNHEALTHY;
                        detail = "no progress for " + age / 1_000_000L + " ms";
                    } else if (backlog > 0 && age > hb / 2) {
                        h = HealthState.DEGRADED;
                        detail = "slow: no progress for " + age / 1_000_000L + " ms";
                    }
                    if (depth >= s.inbox.capacity() * 9L / 10) {
                        h = h.worst(HealthState.DEGRADED);
                        detail = join(detail, "queue " + depth + "/" + s.inbox.capacity());
                    } else if (depth > s.inbox.capacity() / 2 && depth > s.depthAtLastTick) {
                        h = h.worst(HealthState.DEGRADED);
                        detail = join(detail, "queue growing: " + depth);
                    }
                    if (s.hangUntil > now) {
                        h = HealthState.UNHEALTHY;
                        detail = join(detail, "runner not responding");
                    } else {
                        HealthReport r = s.onRunner(s::stageHealth, 250);
                        if (r == null && s.waitingDownstream) {
                            h = h.worst(HealthState.DEGRADED);
                            detail = join(detail, "waiting on downstream backpressure");
                        } else if (r == null) {
                            h = HealthState.UNHEALTHY;
                            detail = join(detail, "runner did not answer the health check");
                        } else if (r.state() != HealthState.HEALTHY) {
                            h = h.worst(r.state());
                            detail = join(detail, r.detail());
                        }
                    }
                }
                default -> {
                    h = HealthState.DEGRADED;
                    detail = s.state;
                }
            }
            long errs = s.errors;
            if (errs > s.errorsAtLastTick) {
                h = h.worst(HealthState.DEGRADED);
                detail = join(detail, (errs - s.errorsAtLastTick) + " failures since the last tick");
            }
            s.errorsAtLastTick = errs;
            s.depthAtLastTick = depth;
            s.ticks++;
            if (h == HealthState.HEALTHY) {
                s.greenTicks++;
            } else {
                green = false;
            }
            s.lastHealth = h;
            s.lastDetail = detail;
            perStage.put(s.name, h.name().toLowerCase());
        }
        ticks++;
        if (green) {
            greenTicks++;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("at", Records.iso(now));
        entry.put("green", green);
        entry.put("stages", perStage);
        history.addLast(entry);
        if (history.size() > HISTORY_LIMIT) {
            history.pollFirst();
        }
        resources.sample();
        baseline.sampleBooks(now - startNanos, metrics("harvest").factValue("books"));
        RunStatus st = status();
        for (RunExtension x : extensions) {
            try {
                x.onHealthTick(runContext, st);
            } catch (RuntimeException e) {
                extensionErrors.put(x.name(), "onHealthTick: " + StageSlot.oneLine(e));
                LOG.warn("extension {} failed on a health tick: {}", x.name(), StageSlot.oneLine(e));
            }
        }
        refreshManifest(false);
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    public RunStatus status() {
        long now = clock == null ? 0 : clock.nanos();
        List<RunStatus.StageStatus> st = new ArrayList<>();
        for (StageSlot s : slots) {
            st.add(new RunStatus.StageStatus(s.name, s.hangUntil > now && s.running() ? "hung" : s.state,
                    s.lastHealth, s.lastDetail, s.restartCount, s.backlog(), s.handled));
        }
        long dropped = rawTopic == null ? 0 : rawTopic.dropped;
        RunStatus r = new RunStatus(now / 1_000_000L, st, dropped, new RunStatus.Resources(
                ResourceSampler.round1(resources.rssMb), ResourceSampler.round1(resources.maxRssMb), resources.openFiles,
                resources.maxOpenFiles, resources.threads, resources.maxThreads));
        lastStatus = r;
        return r;
    }

    // =========================================================================================== stop

    public void requestStop(String reason) {
        external.add(() -> beginStop(reason == null ? "requested" : reason));
    }

    /** The graceful stop (control thread): intake, drain, extensions, stages in reverse order, sinks. */
    private void beginStop(String reason) {
        if (phase != Phase.RUNNING) {
            return;
        }
        phase = Phase.STOPPING;
        stopReason = reason;
        LOG.info("run {} stopping ({})", runId, reason);
        // 1. intake
        intakeStopped = true;
        if (liveSource != null) {
            try {
                liveSource.stop();
            } catch (RuntimeException e) {
                LOG.warn("feed source stop failed: {}", StageSlot.oneLine(e));
            }
        }
        if (feeder != null) {
            feeder.interrupt();
            try {
                feeder.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // 2. drain every queue (restarts still happen meanwhile)
        long drainTimeout = merged.integer("engine.drain_timeout_ms", 30_000) * 1_000_000L;
        settle(drainTimeout);
        // 3. extensions
        for (RunExtension x : extensions) {
            try {
                x.onStopping(runContext);
            } catch (RuntimeException e) {
                extensionErrors.put(x.name(), "onStopping: " + StageSlot.oneLine(e));
                LOG.warn("extension {} failed when stopping: {}", x.name(), StageSlot.oneLine(e));
            }
        }
        settle(drainTimeout);
        // 4. stages in reverse pipeline order
        for (int i = slots.size() - 1; i >= 0; i--) {
            stopStage(slots.get(i));
        }
        // 5. sinks
        for (SinkWriter w : sinks) {
            try {
                if (sim) {
                    w.close();
                } else {
                    w.stopThread(30_000);
                }
            } catch (Exception e) {
                LOG.warn("sink {} did not close cleanly: {}", w.type, StageSlot.oneLine(e));
            }
        }
        closeSources();
        endedNanos = clock.nanos();
        phase = Phase.DONE;
    }

    /** Waits (threaded) or runs the simulation (without new input) until every live stage's backlog is empty. */
    private void settle(long timeoutNanos) {
        if (sim) {
            long deadline = clock.nanos() + timeoutNanos;
            EngineClock.Virtual vc = (EngineClock.Virtual) clock;
            while (true) {
                simDrain();
                if (quiet()) {
                    return;
                }
                long tt = control.nextDue();
                if (tt == Long.MAX_VALUE || tt > deadline) {
                    return;
                }
                vc.advanceTo(tt);
                TimerQueue.Timer t = control.pollDue(tt);
                if (t != null) {
                    t.task().run();
                }
            }
        }
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (!quiet() && System.nanoTime() < deadline) {
                controlStep(2_000_000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when no stage that can still work has anything queued, in flight or unpublished. */
    private boolean quiet() {
        for (StageSlot s : slots) {
            if ("failed".equals(s.state) || "waiting_factory".equals(s.state)) {
                continue;
            }
            if (sim ? (!s.inbox.isEmpty() || !s.redeliver.isEmpty()) : s.pending() > 0) {
                return false;
            }
        }
        return true;
    }

    private void stopStage(StageSlot s) {
        long at = clock.nanos();
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("stage", s.name);
        rec.put("at", Records.iso(at));
        int before = s.backlog();
        String error = null;
        if (s.running()) {
            Boolean ok = s.onRunner(() -> {
                try {
                    Stage st = s.instance;
                    if (st != null) {
                        st.stop();
                    }
                    s.ctx.flush();
                    return true;
                } catch (Exception e) {
                    s.ctx.discard();
                    LOG.warn("stage {} stop failed: {}", s.name, StageSlot.oneLine(e));
                    return false;
                } finally {
                    s.stopRequested = true;
                }
            }, 10_000);
            if (ok == null || !ok) {
                error = ok == null ? "stop did not complete" : "stop threw";
            }
        } else {
            error = "not running (" + s.state + ")";
        }
        s.stopRequested = true;
        s.invalidate(s.gen);
        if (!"failed".equals(s.state)) {
            s.state = "stopped";
        }
        if (s.runner != null) {
            try {
                s.runner.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int residual = s.backlog();
        rec.put("drained", before == 0 && residual == 0);
        rec.put("residual", residual);
        if (error != null) {
            rec.put("error", error);
        }
        shutdownOrder.add(rec);
    }

    private void closeSources() {
        try {
            if (replay != null) {
                replay.close();
            }
        } catch (IOException e) {
            LOG.warn("replay feed close failed: {}", StageSlot.oneLine(e));
        }
        if (emulator != null) {
            try {
                emulator.close();
            } catch (RuntimeException e) {
                LOG.warn("feed emulator close failed: {}", StageSlot.oneLine(e));
            }
        }
    }

    /** After a runtime failure: stop what runs without the graceful sequence. */
    private void emergencyStop() {
        intakeStopped = true;
        if (liveSource != null) {
            try {
                liveSource.stop();
            } catch (RuntimeException ignored) {
                // best effort while failing
            }
        }
        if (feeder != null) {
            feeder.interrupt();
        }
        for (StageSlot s : slots) {
            s.stopRequested = true;
            s.invalidate(s.gen);
            if (!"failed".equals(s.state)) {
                s.state = "stopped";
            }
        }
        for (SinkWriter w : sinks) {
            try {
                if (sim) {
                    w.close();
                } else {
                    w.stopThread(5_000);
                }
            } catch (Exception ignored) {
                // best effort while failing
            }
        }
        closeSources();
        if (clock != null) {
            endedNanos = clock.nanos();
        }
        phase = Phase.DONE;
    }

    // =========================================================================================== manifest

    private void refreshManifest(boolean force) {
        long w = System.nanoTime();
        // simulation: at most one refresh per wall second (the final manifest is always written)
        if (!force && sim && w - lastManifestWall < 1_000_000_000L) {
            return;
        }
        lastManifestWall = w;
        try {
            writeManifest(manifestTree());
        } catch (Exception e) {
            LOG.warn("manifest refresh failed: {}", StageSlot.oneLine(e));
        }
    }

    /** The whole manifest as plain JSON maps and lists (what criteria are evaluated over). */
    @SuppressWarnings("unchecked")
    Map<String, Object> manifestTree() {
        Map<String, Object> m = new LinkedHashMap<>();
        long now = clock == null ? 0 : clock.nanos();
        long end = endedNanos >= 0 ? endedNanos : now;
        m.put("run_id", runId);
        m.put("scenario", plan.name());
        m.put("mode", plan.mode().id());
        m.put("pace", plan.mode() == io.soak.api.plan.Mode.LIVE ? "1x" : String.valueOf(plan.pace()));
        m.put("seed", plan.seed());
        m.put("started_at", Records.iso(startNanos));
        m.put("ended_at", endedNanos >= 0 ? Records.iso(endedNanos) : null);
        m.put("duration_s", round3((end - startNanos) / 1e9));
        m.put("wall_time_s", round3((System.nanoTime() - wallStart) / 1e9));
        m.put("end_reason", stopReason);
        m.put("plan", planTree());
        Map<String, Object> hashes = new LinkedHashMap<>();
        hashes.put("scenario", plan.scriptHash());
        hashes.put("config", sha256(redactedConfig()));
        m.put("hashes", hashes);
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("runtime", options.versions().getOrDefault("runtime", "unknown"));
        Map<String, Object> bundles = new TreeMap<>(options.versions());
        bundles.remove("runtime");
        versions.put("bundles", bundles);
        m.put("versions", versions);
        m.put("status", statusTree());
        m.put("restart_backoff_pattern", List.copyOf(backoffPattern));
        m.put("health", healthTree());
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("max_rss_mb", ResourceSampler.round1(resources.maxRssMb));
        res.put("max_open_files", resources.maxOpenFiles);
        res.put("max_threads", resources.maxThreads);
        res.put("samples", resources.samples);
        m.put("resource_usage", res);
        m.put("shutdown_order", List.copyOf(shutdownOrder));
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("sequence", shutdownOrder.stream().map(r -> r.get("stage")).toList());
        int residual = shutdownOrder.stream().mapToInt(r -> ((Number) r.get("residual")).intValue()).sum();
        sd.put("residual_total", residual);
        int uncommitted = sinks.stream().mapToInt(w -> w.uncommittedRows() + w.queued()).sum();
        sd.put("uncommitted_rows", uncommitted);
        sd.put("clean", endedNanos >= 0 && residual == 0 && uncommitted == 0
                && shutdownOrder.stream().noneMatch(r -> r.containsKey("error")));
        m.put("shutdown", sd);
        m.put("faults", faults.stream().map(Records.Fault::toMap).toList());
        m.put("bus", busTree());
        Map<String, Object> harvester = new TreeMap<>();
        harvester.putAll(metrics("harvest").tree());
        harvester.putAll(metrics("source").tree());
        harvester.put("queue_dropped", rawTopic == null ? 0 : rawTopic.dropped);
        m.put("harvester_metrics", harvester);
        m.put("broker", metrics("broker").tree());
        m.put("signal", metrics("signal").tree());
        Map<String, Object> minutes = new TreeMap<>(metrics("report").tree());
        minutes.putIfAbsent("delivered_to_extensions", minutesDelivered);
        m.put("minutes", minutes);
        Map<String, Object> sinkTree = new TreeMap<>();
        for (SinkWriter w : sinks) {
            Map<String, Object> t = new TreeMap<>(w.metrics.tree());
            t.put("sink", metrics("sink." + w.type + ".own").tree());
            t.put("failed", w.failed);
            t.put("last_error", w.lastError);
            sinkTree.put(w.type, t);
        }
        m.put("sinks", sinkTree);
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("type", plan.source().type());
        src.put("messages_read", messagesRead);
        src.put("feed_exhausted", feedEnded && replay != null);
        m.put("source", src);
        if (!extensionErrors.isEmpty()) {
            m.put("extension_errors", new TreeMap<>(extensionErrors));
        }
        for (RunExtension x : extensions) {
            try {
                x.manifestSections().forEach((k, v) -> {
                    if (m.containsKey(k) && !k.equals("minutes")) {
                        LOG.debug("extension {} section {} overrides the engine's", x.name(), k);
                    }
                    m.put(k, v);
                });
            } catch (RuntimeException e) {
                extensionErrors.put(x.name(), "manifestSections: " + StageSlot.oneLine(e));
            }
        }
        m.put(Baseline.SECTION, baseline.section(m, endedNanos >= 0));
        if (verdictSection != null) {
            m.put("verdict", verdictSection);
        }
        return json.convertValue(m, Map.class);
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> planTree() {
        Map<String, Object> p = json.convertValue(plan.redacted(), Map.class);
        p.put("config", redactedConfig());
        return p;
    }

    private Map<String, Object> redactedConfig() {
        Map<String, Object> out = new TreeMap<>();
        merged.values().forEach((k, v) -> out.put(k, secretKey(k) ? "***" : v));
        return out;
    }

    private static boolean secretKey(String k) {
        String l = k.toLowerCase(java.util.Locale.ROOT);
        return l.contains("token") || l.contains("password") || l.contains("secret");
    }

    private String sha256(Object value) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(value));
            return HexFormat.of().formatHex(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> statusTree() {
        Map<String, Object> processes = new LinkedHashMap<>();
        for (StageSlot s : slots) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("state", s.state);
            p.put("restart_count", s.restartCount);
            List<Map<String, Object>> rs;
            long maxRec;
            synchronized (s.restarts) {
                rs = s.restarts.stream().map(Records.Restart::toMap).toList();
                maxRec = s.maxRecoveryMs;
            }
            p.put("restarts", rs);
            p.put("health_green_ratio", s.ticks == 0 ? 1.0 : round4((double) s.greenTicks / s.ticks));
            p.put("max_recovery_ms", maxRec);
            p.put("handled", s.handled);
            p.put("queue_depth", s.backlog());
            p.put("health", s.lastHealth.name().toLowerCase());
            p.put("detail", s.lastDetail);
            p.put("metrics", s.metrics.tree());
            processes.put(s.name, p);
        }
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("phase", phase.name().toLowerCase());
        st.put("processes", processes);
        return st;
    }

    private static double round4(double v) {
        return Math.round(v * 10000.0) / 10000.0;
    }

    private Map<String, Object> healthTree() {
        Map<String, Object> h = new LinkedHashMap<>();
        Duration interval = plan.healthInterval() == null ? Duration.ofSeconds(10) : plan.healthInterval();
        h.put("interval_s", interval.toMillis() / 1000.0);
        h.put("ticks", ticks);
        h.put("green_ticks", greenTicks);
        h.put("green_ratio", ticks == 0 ? 1.0 : round4((double) greenTicks / ticks));
        h.put("green_definition", "a tick is green when every stage is healthy at that tick");
        Map<String, Object> per = new LinkedHashMap<>();
        for (StageSlot s : slots) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("ticks", s.ticks);
            p.put("green_ticks", s.greenTicks);
            p.put("green_ratio", s.ticks == 0 ? 1.0 : round4((double) s.greenTicks / s.ticks));
            per.put(s.name, p);
        }
        h.put("per_stage", per);
        List<Map<String, Object>> hist = new ArrayList<>(history);
        if (hist.size() > HISTORY_IN_MANIFEST) {
            hist = hist.subList(hist.size() - HISTORY_IN_MANIFEST, hist.size());
        }
        h.put("history", hist);
        h.put("history_truncated", ticks > hist.size());
        return h;
    }

    private Map<String, Object> busTree() {
        Map<String, Object> b = new LinkedHashMap<>();
        Map<String, Object> ts = new TreeMap<>();
        for (Topic t : topics.values()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("published", t.published);
            e.put("dropped", t.dropped);
            e.put("last_seq", t.seq);
            e.put("consumers", java.util.Arrays.stream(t.consumers).map(c -> c.name).toList());
            e.put("to_sinks", t.toSinks);
            ts.put(t.name, e);
        }
        b.put("topics", ts);
        Map<String, Object> qs = new LinkedHashMap<>();
        for (StageSlot s : slots) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("capacity", s.inbox.capacity());
            q.put("depth", s.inbox.size());
            q.put("max_depth_sampled", s.inbox.maxDepth());
            qs.put(s.name, q);
        }
        b.put("queues", qs);
        return b;
    }

    private void writeManifest(Map<String, Object> tree) throws IOException {
        writeAtomically(runDirectory.manifest(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void writeSourceManifest() {
        try {
            SourceSpec spec = plan.source();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", runId);
            m.put("type", spec.type());
            m.put("mode", plan.mode().id());
            m.put("symbols", spec.symbols());
            m.put("streams", spec.streams());
            m.put("endpoint", emulator != null ? emulator.endpoint() : spec.endpoint());
            m.put("region", merged.string("source.region", ""));
            m.put("files", spec.files());
            m.put("session_start", Records.iso(startNanos));
            m.put("session_end", endedNanos >= 0 ? Records.iso(endedNanos) : null);
            m.put("messages_read", replay != null ? messagesRead : rawTopic.published);
            if (replay != null) {
                m.put("feed", replay.describe());
            }
            if (emulator != null) {
                m.put("emulator", emulator.describe());
            }
            m.put("config", redactedConfig());
            writeAtomically(runDirectory.sourceManifest(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        } catch (Exception e) {
            LOG.warn("source manifest not written: {}", StageSlot.oneLine(e));
        }
    }

    // =========================================================================================== run context

    /** What extensions see; its scheduler runs tasks on the control thread. */
    private final class RunCtx implements RunContext, Scheduler {
        @Override
        public String runId() {
            return runId;
        }

        @Override
        public ScenarioPlan plan() {
            return plan;
        }

        @Override
        public Path runDirectory() {
            return runDir;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public Scheduler scheduler() {
            return this;
        }

        @Override
        public Settings config() {
            return merged;
        }

        @Override
        public Registry registry() {
            return registry;
        }

        @Override
        public StageMetrics metrics(String component) {
            return Engine.this.metrics(component);
        }

        @Override
        public RunStatus status() {
            return Engine.this.status();
        }

        @Override
        public ObjectMapper json() {
            return json;
        }

        @Override
        public Cancellable schedule(long delayNanos, Runnable task) {
            return scheduleAt(clock.nanos() + Math.max(0, delayNanos), task);
        }

        @Override
        public Cancellable scheduleAt(long epochNanos, Runnable task) {
            return controlTimer(epochNanos, 0, TimerQueue.PRIO_NORMAL, guard(task));
        }

        @Override
        public Cancellable scheduleAtFixedRate(long initialDelayNanos, long periodNanos, Runnable task) {
            if (periodNanos <= 0) {
                throw new IllegalArgumentException("period must be > 0, got " + periodNanos);
            }
            return controlTimer(clock.nanos() + Math.max(0, initialDelayNanos), periodNanos, TimerQueue.PRIO_NORMAL,
                    guard(task));
        }

        private Runnable guard(Runnable task) {
            return () -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("engine timer task failed: {}", StageSlot.oneLine(e), e);
                }
            };
        }
    }
}
