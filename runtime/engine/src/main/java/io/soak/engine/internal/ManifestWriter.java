package io.soak.engine.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Mode;
import io.soak.api.plan.SourceSpec;
import io.soak.engine.RunExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's evidence files (control thread): {@code run_manifest.json} (rewritten atomically at the start, on
 * health ticks, at most once a wall second in simulation, and at the end) and {@code source_manifest.json}.
 * {@link #tree()} is also what the verdict's criteria are evaluated over.
 */
final class ManifestWriter {

    private final Engine engine;
    private final ObjectMapper json;
    private long lastWrite;
    /** Simulation: the least wall time between two rewrites at health ticks ({@code engine.manifest_min_interval_ms}). */
    private final long minIntervalNanos;

    ManifestWriter(Engine engine) {
        this.engine = engine;
        this.json = engine.json;
        this.minIntervalNanos = Math.max(0, engine.merged.integer("engine.manifest_min_interval_ms", 1000)) * 1_000_000L;
    }

    /** Rewrites the manifest (simulation: at most once a wall second unless forced); never throws. */
    void refresh(boolean force) {
        long w = System.nanoTime();
        if (!force && engine.sim && lastWrite != 0 && w - lastWrite < minIntervalNanos) {
            return;
        }
        lastWrite = w;
        try {
            write(tree());
        } catch (Exception e) {
            Engine.LOG.warn("manifest refresh failed: {}", StageSlot.oneLine(e));
        }
    }

    /** The whole manifest as plain JSON maps and lists (what criteria are evaluated over). */
    @SuppressWarnings("unchecked")
    Map<String, Object> tree() {
        Engine e = engine;
        Map<String, Object> m = new LinkedHashMap<>();
        long now = e.clock == null ? 0 : e.clock.nanos();
        long end = e.endedNanos >= 0 ? e.endedNanos : now;
        m.put("run_id", e.runId());
        m.put("scenario", e.plan.name());
        m.put("mode", e.plan.mode().id());
        m.put("pace", e.plan.mode() == Mode.LIVE ? "1x" : String.valueOf(e.plan.pace()));
        m.put("seed", e.plan.seed());
        m.put("started_at", Records.iso(e.startNanos));
        m.put("ended_at", e.endedNanos >= 0 ? Records.iso(e.endedNanos) : null);
        m.put("duration_s", round3((end - e.startNanos) / 1e9));
        m.put("wall_time_s", round3((System.nanoTime() - e.wallStart) / 1e9));
        m.put("end_reason", e.stopReason);
        m.put("plan", planTree());
        Map<String, Object> hashes = new LinkedHashMap<>();
        hashes.put("scenario", e.plan.scriptHash());
        hashes.put("config", sha256(redactedConfig()));
        m.put("hashes", hashes);
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("runtime", e.options.versions().getOrDefault("runtime", "unknown"));
        Map<String, Object> bundles = new TreeMap<>(e.options.versions());
        bundles.remove("runtime");
        versions.put("bundles", bundles);
        if (!e.swappedVersions.isEmpty()) {
            versions.put("swapped", new TreeMap<>(e.swappedVersions));
        }
        m.put("versions", versions);
        m.put("status", statusTree());
        m.put("restart_backoff_pattern", List.copyOf(e.supervisor.backoffPattern));
        m.put("health", e.health.tree());
        ResourceSampler rs = e.health.resources;
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("max_rss_mb", ResourceSampler.round1(rs.maxRssMb));
        res.put("max_open_files", rs.maxOpenFiles);
        res.put("max_threads", rs.maxThreads);
        res.put("samples", rs.samples);
        m.put("resource_usage", res);
        List<Map<String, Object>> order = e.shutdown.order;
        m.put("shutdown_order", List.copyOf(order));
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("sequence", order.stream().map(r -> r.get("stage")).toList());
        int residual = order.stream().mapToInt(r -> ((Number) r.get("residual")).intValue()).sum();
        sd.put("residual_total", residual);
        int uncommitted = e.sinks.stream().mapToInt(w -> w.uncommittedRows() + w.queued()).sum();
        sd.put("uncommitted_rows", uncommitted);
        sd.put("clean", e.endedNanos >= 0 && residual == 0 && uncommitted == 0
                && order.stream().noneMatch(r -> r.containsKey("error")));
        m.put("shutdown", sd);
        m.put("faults", e.faults.records.stream().map(Records.Fault::toMap).toList());
        m.put("bus", busTree());
        if (e.cluster != null) {
            m.put("cluster", e.cluster.describe());
        }
        Map<String, Object> harvester = new TreeMap<>();
        harvester.putAll(e.metrics("harvest").tree());
        harvester.putAll(e.metrics("source").tree());
        harvester.put("queue_dropped", e.bus.rawDropped());
        m.put("harvester_metrics", harvester);
        m.put("broker", e.metrics("broker").tree());
        m.put("signal", e.metrics("signal").tree());
        Map<String, Object> minutes = new TreeMap<>(e.metrics("report").tree());
        minutes.putIfAbsent("delivered_to_extensions", e.minutes.delivered);
        m.put("minutes", minutes);
        Map<String, Object> sinkTree = new TreeMap<>();
        for (SinkWriter w : e.sinks) {
            Map<String, Object> t = new TreeMap<>(w.metrics.tree());
            t.put("sink", e.metrics("sink." + w.type + ".own").tree());
            t.put("failed", w.failed);
            t.put("last_error", w.lastError);
            sinkTree.put(w.type, t);
        }
        m.put("sinks", sinkTree);
        m.put("latency", e.latency.tree());
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("type", e.plan.source().type());
        src.put("messages_read", e.intake.messagesRead);
        src.put("feed_exhausted", e.intake.feedEnded && e.intake.replay != null);
        m.put("source", src);
        if (!e.extensionErrors.isEmpty()) {
            m.put("extension_errors", new TreeMap<>(e.extensionErrors));
        }
        for (RunExtension x : e.extensions) {
            try {
                x.manifestSections().forEach((k, v) -> {
                    if (m.containsKey(k) && !k.equals("minutes")) {
                        Engine.LOG.debug("extension {} section {} overrides the engine's", x.name(), k);
                    }
                    m.put(k, v);
                });
            } catch (RuntimeException ex) {
                e.extensionErrors.put(x.name(), "manifestSections: " + StageSlot.oneLine(ex));
            }
        }
        m.put(Baseline.SECTION, e.baseline.section(m, e.endedNanos >= 0));
        if (e.verdictSection != null) {
            m.put("verdict", e.verdictSection);
        }
        return json.convertValue(m, Map.class);
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> planTree() {
        Map<String, Object> p = json.convertValue(engine.plan.redacted(), Map.class);
        p.put("config", redactedConfig());
        return p;
    }

    private Map<String, Object> redactedConfig() {
        Map<String, Object> out = new TreeMap<>();
        engine.merged.values().forEach((k, v) -> out.put(k, secretKey(k) ? "***" : v));
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
        for (StageSlot s : engine.slots) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("state", s.state.id());
            p.put("restart_count", s.sup.restartCount);
            List<Map<String, Object>> rs;
            long maxRec;
            synchronized (s.sup.restarts) {
                rs = s.sup.restarts.stream().map(Records.Restart::toMap).toList();
                maxRec = s.sup.maxRecoveryMs;
            }
            p.put("restarts", rs);
            p.put("health_green_ratio", HealthMonitor.ratio(s.health.greenTicks, s.health.ticks));
            p.put("max_recovery_ms", maxRec);
            p.put("handled", s.handled);
            p.put("queue_depth", s.backlog());
            p.put("health", s.health.last.name().toLowerCase());
            p.put("detail", s.health.lastDetail);
            p.put("metrics", s.metrics.tree());
            processes.put(s.name, p);
        }
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("phase", engine.phase.name().toLowerCase());
        st.put("processes", processes);
        return st;
    }

    private Map<String, Object> busTree() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("topics", engine.bus.describeTopics());
        Map<String, Object> qs = new LinkedHashMap<>();
        for (StageSlot s : engine.slots) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("capacity", s.inbox.capacity());
            q.put("depth", s.inbox.size());
            q.put("max_depth_sampled", s.inbox.maxDepth());
            qs.put(s.name, q);
        }
        b.put("queues", qs);
        return b;
    }

    /** Writes {@code run_manifest.json} atomically. */
    void write(Map<String, Object> tree) throws IOException {
        writeAtomically(engine.runDirectory.manifest(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // a full disk leaves no empty .tmp behind (issue 11 item 12)
            throw e;
        }
    }

    /** Writes {@code source_manifest.json}; never throws. */
    void writeSource() {
        try {
            Engine e = engine;
            SourceIntake in = e.intake;
            SourceSpec spec = e.plan.source();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run_id", e.runId());
            m.put("type", spec.type());
            m.put("mode", e.plan.mode().id());
            m.put("symbols", spec.symbols());
            m.put("streams", spec.streams());
            m.put("endpoint", in.emulator != null ? in.emulator.endpoint() : spec.endpoint());
            m.put("region", e.merged.string("source.region", ""));
            m.put("files", spec.files());
            m.put("session_start", Records.iso(e.startNanos));
            m.put("session_end", e.endedNanos >= 0 ? Records.iso(e.endedNanos) : null);
            m.put("messages_read", in.replay != null ? in.messagesRead : e.bus.publishedRaw());
            if (in.replay != null) {
                m.put("feed", in.replay.describe());
            }
            if (in.emulator != null) {
                m.put("emulator", in.emulator.describe());
            }
            m.put("config", redactedConfig());
            writeAtomically(e.runDirectory.sourceManifest(), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        } catch (Exception ex) {
            Engine.LOG.warn("source manifest not written: {}", StageSlot.oneLine(ex));
        }
    }
}
