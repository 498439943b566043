package io.soak.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Criterion;
import io.soak.api.plan.Fault;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.sink.Row;
import io.soak.api.sink.SinkFactory;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageFactory;
import io.soak.broker.internal.BrokerStageFactory;
import io.soak.engine.EngineOptions;
import io.soak.engine.Registry;
import io.soak.engine.RunContext;
import io.soak.engine.RunExtension;
import io.soak.engine.RunOutcome;
import io.soak.engine.RunStatus;
import io.soak.engine.SoakRun;
import io.soak.engine.StageRevival;
import io.soak.export.TimeseriesExtension;
import io.soak.exporter.file.internal.FileExporterFactory;
import io.soak.harvest.internal.CaptureReplayFeedFactory;
import io.soak.harvest.internal.HarvestStageFactory;
import io.soak.report.internal.ReportStageFactory;
import io.soak.signal.internal.SignalStageFactory;
import io.soak.sink.jsonl.internal.JsonlSinkFactory;
import io.soak.sink.sqlite.internal.SqliteSinkFactory;
import io.soak.testdata.TestData;
import io.soak.testing.fakes.ManifestTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The seeded fault campaign (after FoundationDB's simulation and TigerBeetle's VOPR) over the real pipeline:
 * one seed = one simulated run (virtual time, max pace) of the recorded Binance data through the real stages
 * harvest → signal → broker → report, the real JSONL and SQLite sinks (topics decision, order, fill), alerts and
 * the time-series export to the file exporter, with 1–6 faults drawn from the seed among <b>every kind of
 * {@link Fault#KINDS}</b>: kill, crash (stage or sink), hang, swap (in place, or with a jar through a host that
 * replaces the stage's factory by a new one of the same bundle), slow-sink, timeseries-outage, and the feed faults
 * drop, stall, latency, corrupt, gap (carried out on the replay feed in engine time). Then {@link #check}. A seed
 * that fails is rerun alone with {@code -Dcampaign.seed=<seed>}.
 */
final class FaultCampaign {

    static final List<String> STAGES = List.of("harvest", "signal", "broker", "report");
    static final List<String> SINKS = List.of("jsonl", "sqlite");
    static final List<String> TOPICS = List.of("decision", "order", "fill");
    static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
    static final List<String> STREAM_KINDS = List.of("trade", "bookTicker", "depth@0ms");
    static final Duration RUN = Duration.ofSeconds(60);
    static final RestartPolicy POLICY = new RestartPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(8), 10,
            Duration.ofMinutes(10), Duration.ofSeconds(5));
    static final ObjectMapper JSON = new ObjectMapper();

    /** What one seed did and found. */
    record Result(long seed, List<FaultSpec> faults, List<String> problems, long rows, int manifestReads,
                  Map<String, Integer> applied, Path runDirectory, Map<String, Object> manifest) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    /** The faults of one seed: 1–6 of every kind, at 3–45 s of a 60 s run. */
    static List<FaultSpec> draw(long seed, Path jarDir) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(6);
        List<FaultSpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Duration at = Duration.ofMillis(3_000 + r.nextLong(42_000));
            String stage = STAGES.get(r.nextInt(STAGES.size()));
            String sink = SINKS.get(r.nextInt(SINKS.size()));
            String sym = SYMBOLS.get(r.nextInt(SYMBOLS.size())).toLowerCase(java.util.Locale.ROOT);
            String stream = sym + "@" + STREAM_KINDS.get(r.nextInt(STREAM_KINDS.size()));
            Duration d = Duration.ofMillis(1_000 + r.nextLong(11_000));
            String kind = Fault.KINDS.get(r.nextInt(Fault.KINDS.size()));
            out.add(switch (kind) {
                case "kill" -> new FaultSpec(at, kind, stage, Duration.ZERO, Map.of());
                case "crash" -> new FaultSpec(at, kind, r.nextBoolean() ? stage : sink, Duration.ZERO, Map.of());
                case "hang" -> new FaultSpec(at, kind, stage, d, Map.of());
                case "swap" -> new FaultSpec(at, kind, stage, Duration.ZERO, r.nextBoolean() ? Map.of()
                        : Map.of("jar", jarDir.resolve(stage + "-2.jar").toString()));
                case "slow-sink" -> new FaultSpec(at, kind, sink, Duration.ofMillis(1_000 + r.nextLong(19_000)), Map.of());
                case "timeseries-outage" -> new FaultSpec(at, kind, "timeseries", Duration.ofMillis(1_000 + r.nextLong(60_000)), Map.of());
                case "feed-drop" -> new FaultSpec(at, kind, "", d, Map.of());
                case "feed-stall" -> new FaultSpec(at, kind, stream, d, Map.of());
                case "feed-latency" -> new FaultSpec(at, kind, "", d, Map.of("ms", 50 + r.nextInt(2_000)));
                case "feed-corrupt" -> new FaultSpec(at, kind, "", Duration.ZERO, Map.of("count", 1 + r.nextInt(20)));
                case "feed-gap" -> new FaultSpec(at, kind, sym + "@depth@0ms", Duration.ZERO, Map.of("count", 1 + r.nextInt(5)));
                default -> throw new IllegalStateException("a fault kind the campaign does not draw: " + kind);
            });
        }
        out.sort(Comparator.comparing(FaultSpec::at));
        return out;
    }

    /** The scenario of one seed: the recorded data, looped, through the real pipeline into both sinks. */
    static ScenarioPlan plan(long seed, List<FaultSpec> faults) {
        SourceSpec source = new SourceSpec("capture", SYMBOLS, STREAM_KINDS, "",
                List.of(TestData.file(TestData.BTC).toString(), TestData.file(TestData.ETH).toString()), true, Map.of(),
                Map.of(), Map.of());
        Map<String, Object> config = new TreeMap<>();
        config.put("sinks.topics", TOPICS);
        config.put("sinks.simulation_commit_interval_ms", 2000);
        config.put("sinks.batch_rows", 500);
        config.put("engine.manifest_min_interval_ms", 0); // every health tick rewrites the manifest: all are read
        return new ScenarioPlan("campaign-" + seed, "<campaign>", "0".repeat(64), Mode.REPLAY, Pace.MAX, seed, RUN,
                source, STAGES, SINKS, Duration.ofSeconds(10), POLICY, TimeseriesSpec.file(), List.of(), faults,
                List.<Criterion>of(), config, "UTC");
    }

    /** Runs one seed and checks it. */
    static Result run(long seed, Path root) throws Exception {
        Path jars = Files.createDirectories(root.resolve("jars"));
        for (String s : STAGES) {
            Path j = jars.resolve(s + "-2.jar");
            if (!Files.exists(j)) {
                Files.writeString(j, "a new build of " + s);
            }
        }
        List<FaultSpec> faults = draw(seed, jars);
        ScenarioPlan plan = plan(seed, faults);
        Registry registry = registry();
        StageRevival host = new StageRevival() {
            @Override
            public void revive(String kind) {
                registry.addStage(STAGE_FACTORIES.get(kind).get());
            }

            @Override
            public String install(String kind, Path jar) {
                // the bundle update as the host does it: the old factory leaves, the new bundle's factory comes
                registry.removeStage(registry.stage(kind).orElseThrow());
                registry.addStage(STAGE_FACTORIES.get(kind).get());
                return "io.soak.soak-" + kind + " 0.1.0 -> 0.1.0.campaign";
            }
        };
        Watch watch = new Watch();
        Path runs = Files.createDirectories(root.resolve("runs"));
        TimeseriesExtension timeseries = new TimeseriesExtension(plan, new Settings(plan.config()),
                java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC));
        SoakRun soak = new SoakRun(plan, registry, List.of(timeseries, watch),
                EngineOptions.of(runs).withRunId(plan.name()).withRevival(host));
        RunOutcome out = soak.run();
        Path runDir = runs.resolve(plan.name());
        List<String> problems = new ArrayList<>(watch.problems);
        Map<String, Object> m = out.manifest();
        String desynced = out.exitCode() == 1 ? booksDesynced(out.manifest(), faults, out.failures()) : null;
        if (out.exitCode() != 0 && desynced == null) {
            problems.add("exit code " + out.exitCode() + ": " + out.failures());
        }
        try {
            JSON.readValue(Files.readString(runDir.resolve("run_manifest.json")), Map.class);
        } catch (Exception e) {
            problems.add("final run_manifest.json is not valid JSON: " + e.getMessage());
        }
        long rows = check(m, runDir, registry, problems);
        Map<String, Integer> applied = new TreeMap<>();
        for (Object o : (List<?>) m.get("faults")) {
            Map<?, ?> f = (Map<?, ?>) o;
            String effect = String.valueOf(f.get("effect"));
            String kind = String.valueOf(f.get("kind"));
            if (kind.equals("sink_restart")) {
                continue;
            }
            if (effect.startsWith("not applied")) {
                // a fault on a stage that is restarting cannot apply: recorded, not a failure of the engine
                if (!effect.contains("is not running")) {
                    problems.add("fault " + kind + " " + f.get("target") + " " + effect);
                }
                applied.merge(kind + " (not running)", 1, Integer::sum);
            } else {
                applied.merge(kind, 1, Integer::sum);
            }
        }
        if (desynced != null) {
            applied.merge("verdict book_synced failed, accepted: " + desynced, 1, Integer::sum);
        }
        return new Result(seed, faults, problems, rows, watch.reads, applied, runDir, m);
    }

    /**
     * The one verdict failure a seed may cause: depth updates lost by the feed (drop, corrupt, gap, a stall of a
     * depth stream) or a harvest instance restarted without its state (kill, crash, heartbeat stall: no snapshot by
     * design) leave the books out of sync, and a replay has no REST snapshot to resync from (the emulator sends one
     * of its own book; live, the harvest fetches one), so {@code baseline.book_synced.<SYMBOL>} fails, as it should.
     * Found by the first campaign runs (seeds 67, 71, …: a crash of harvest). Also accepted, as a finding: after a
     * swap of harvest (snapshot restored) one health tick reports the books unsynced (seed 34: 4 of 5 ticks, 0.8).
     * Returns why, or null when the failure is not one of these.
     */
    static String booksDesynced(Map<String, Object> m, List<FaultSpec> faults, List<String> failures) {
        boolean depthLost = faults.stream().anyMatch(f -> switch (f.kind()) {
            case "feed-drop", "feed-corrupt", "feed-gap" -> true;
            case "feed-stall" -> f.target().contains("@depth");
            default -> false;
        });
        Object restarts = at(m, "status.processes.harvest.restarts");
        List<String> causes = restarts instanceof List<?> l ? l.stream().map(r -> r instanceof Map<?, ?> rm
                ? String.valueOf(rm.get("cause")) : "").toList() : List.of();
        boolean harvestLostState = causes.stream().anyMatch(c -> c.matches("kill|crash|heartbeat_stall.*|exception.*"));
        boolean harvestSwapped = causes.stream().anyMatch(c -> c.matches("swap|factory_removed"));
        if (failures.isEmpty() || !failures.stream().allMatch(x -> x.startsWith("baseline.book_synced."))) {
            return null;
        }
        return depthLost ? "feed lost depth updates" : harvestLostState ? "harvest restarted without its state"
                : harvestSwapped ? "harvest swapped (a tick unsynced after the restore)" : null;
    }

    static final Map<String, Supplier<StageFactory>> STAGE_FACTORIES = Map.of("harvest", HarvestStageFactory::new,
            "signal", SignalStageFactory::new, "broker", BrokerStageFactory::new, "report", ReportStageFactory::new);

    /** The real bundles' factories, as the host would publish them. */
    static Registry registry() {
        Registry r = new Registry();
        STAGES.forEach(s -> r.addStage(STAGE_FACTORIES.get(s).get()));
        r.addReplay(new CaptureReplayFeedFactory());
        r.addSink(new JsonlSinkFactory());
        r.addSink(new SqliteSinkFactory());
        r.addExporter(new FileExporterFactory());
        return r;
    }

    /**
     * After a run: no row lost, none duplicated (by topic and seq, read back from both sinks' files), the two
     * sinks equal row by row (parity), every stage handled what its inputs published and nothing was residual,
     * the broker's invariants held, the feed faults had their effect on the harvest stage, the restart policy was
     * obeyed. Returns the rows checked.
     */
    static long check(Map<String, Object> m, Path runDir, Registry registry, List<String> problems) throws Exception {
        long raw = num(m, "bus.topics.raw.published");
        if (raw <= 0) {
            problems.add("nothing published");
        }
        // every stage handled every event of its input topics (redelivered across kills, never twice)
        Map<String, List<String>> inputs = Map.of("harvest", List.of("raw"), "signal", List.of("market"),
                "broker", List.of("decision", "market"), "report", List.of("market", "decision", "order", "fill"));
        for (String s : STAGES) {
            long want = inputs.get(s).stream().mapToLong(t -> num(m, "bus.topics." + t + ".published")).sum();
            long handled = num(m, "status.processes." + s + ".handled");
            if (handled != want) {
                problems.add("stage " + s + " handled " + handled + " of " + want + " events of " + inputs.get(s));
            }
        }
        if (num(m, "shutdown.residual_total") != 0) {
            problems.add("residual events at stop: " + num(m, "shutdown.residual_total"));
        }
        // broker invariants (DOMAIN.md 4), recomputed by the broker from its order history and fills
        if (!Boolean.TRUE.equals(at(m, "broker.invariants_ok"))) {
            problems.add("broker invariants: " + at(m, "broker.invariants"));
        }
        // a corrupted message is a counted parse error, never a crash
        long corrupted = num(m, "harvester_metrics.feed_faults.corrupted");
        if (num(m, "harvester_metrics.parse_errors") < corrupted) {
            problems.add("feed-corrupt sent " + corrupted + " malformed messages, harvest counted "
                    + num(m, "harvester_metrics.parse_errors") + " parse errors");
        }
        long rows = checkSinks(m, runDir, registry, problems);
        checkRestarts(m, problems);
        return rows;
    }

    /** No loss, no duplicate by (topic, seq) in each sink, and the sinks equal (parity). Returns the rows read. */
    static long checkSinks(Map<String, Object> m, Path runDir, Registry registry, List<String> problems) throws Exception {
        long rows = 0;
        Map<String, Map<String, Map<Long, JsonNode>>> bySink = new LinkedHashMap<>();
        for (String type : SINKS) {
            SinkFactory f = registry.sink(type).orElseThrow();
            Map<String, Map<Long, JsonNode>> byTopic = new HashMap<>();
            try (Stream<Row> back = f.readBack(runDir)) {
                for (Row r : (Iterable<Row>) back::iterator) {
                    rows++;
                    JsonNode node;
                    try {
                        node = JSON.readTree(r.json());
                    } catch (Exception e) {
                        problems.add("sink " + type + " topic " + r.topic() + " seq " + r.seq() + ": not valid JSON");
                        continue;
                    }
                    if (byTopic.computeIfAbsent(r.topic(), t -> new TreeMap<>()).put(r.seq(), node) != null) {
                        problems.add("sink " + type + " topic " + r.topic() + " seq " + r.seq() + " duplicated");
                    }
                }
            }
            for (String t : TOPICS) {
                long published = num(m, "bus.topics." + t + ".published");
                Map<Long, JsonNode> got = byTopic.getOrDefault(t, Map.of());
                long missing = 0;
                for (long seq = 1; seq <= published; seq++) {
                    if (!got.containsKey(seq)) {
                        missing++;
                    }
                }
                if (missing > 0) {
                    problems.add("sink " + type + " topic " + t + ": " + missing + " of " + published + " rows lost");
                }
                long extra = got.keySet().stream().filter(s -> s < 1 || s > published).count();
                if (extra > 0) {
                    problems.add("sink " + type + " topic " + t + ": " + extra + " rows with a seq never published");
                }
            }
            bySink.put(type, byTopic);
        }
        Map<String, Map<Long, JsonNode>> a = bySink.get(SINKS.get(0));
        Map<String, Map<Long, JsonNode>> b = bySink.get(SINKS.get(1));
        for (String t : TOPICS) {
            Map<Long, JsonNode> ra = a.getOrDefault(t, Map.of());
            Map<Long, JsonNode> rb = b.getOrDefault(t, Map.of());
            long differ = ra.entrySet().stream().filter(e -> !e.getValue().equals(rb.get(e.getKey()))).count()
                    + rb.keySet().stream().filter(k -> !ra.containsKey(k)).count();
            if (differ > 0) {
                problems.add("parity: sinks " + SINKS.get(0) + " and " + SINKS.get(1) + " differ on " + differ + " rows of topic " + t);
            }
        }
        return rows;
    }

    /** The k-th restart waited backoff(k); swaps and factory removals waited 0; no give-up early; every restart recovered. */
    @SuppressWarnings("unchecked")
    static void checkRestarts(Map<String, Object> m, List<String> problems) {
        for (String stage : STAGES) {
            Object rs = at(m, "status.processes." + stage + ".restarts");
            int k = 0;
            for (Map<String, Object> r : rs == null ? List.<Map<String, Object>>of() : (List<Map<String, Object>>) rs) {
                String cause = String.valueOf(r.get("cause"));
                long backoff = ((Number) r.get("backoff_ms")).longValue();
                if (cause.equals("swap") || cause.equals("factory_removed")) {
                    if (backoff != 0) {
                        problems.add(stage + ": a " + cause + " waited " + backoff + " ms");
                    }
                } else if (Boolean.TRUE.equals(r.get("gave_up"))) {
                    if (k < POLICY.maxRestarts()) {
                        problems.add(stage + ": gave up after " + k + " restarts (max " + POLICY.maxRestarts() + ")");
                    }
                } else {
                    k++;
                    long want = POLICY.backoff(k).toMillis();
                    if (backoff != want) {
                        problems.add(stage + ": restart " + k + " (" + cause + ") waited " + backoff + " ms, policy says " + want);
                    }
                }
                if (r.get("recovered_at") == null && !Boolean.TRUE.equals(r.get("gave_up")) && r.get("superseded_by") == null) {
                    problems.add(stage + ": restart " + r.get("n") + " (" + cause + ") never recovered");
                }
            }
        }
    }

    static Object at(Map<String, Object> tree, String path) {
        return ManifestTree.at(tree, path);
    }

    static long num(Map<String, Object> tree, String path) {
        return ManifestTree.num(tree, path);
    }

    /** Reads the manifest file at every health tick: it must be valid JSON at every rewrite. */
    static final class Watch implements RunExtension {
        final List<String> problems = new ArrayList<>();
        int reads;
        String last = "";

        @Override
        public String name() {
            return "campaign";
        }

        @Override
        public void onHealthTick(RunContext run, RunStatus status) {
            read(run.runDirectory().resolve("run_manifest.json"));
        }

        void read(Path f) {
            try {
                String text = Files.readString(f);
                if (!text.equals(last)) {
                    last = text;
                    reads++;
                    JSON.readValue(text, Map.class);
                }
            } catch (Exception e) {
                problems.add("run_manifest.json not valid JSON at a rewrite: " + e.getMessage());
            }
        }
    }
}
