package io.soak.evidence;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.plan.Criterion;
import io.soak.api.run.RunDirectory;
import io.soak.engine.Json;
import io.soak.engine.internal.Baseline;
import io.soak.engine.internal.Verdict;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code soak merge}: the run's evidence from the run directories of its cluster nodes (docs/scale-out.md). The
 * node that wrote the sinks gives the evidence files (signals, SQLite, reports, parity); every node's manifest is
 * kept under {@code nodes/<node>/}; the merged {@code run_manifest.json} is the sinks node's with the stage
 * sections of the nodes that ran them ({@code status.processes}, {@code harvester_metrics}, {@code signal},
 * {@code broker}), the peaks over nodes ({@code resource_usage}), the lowest health, and a {@code cluster} section
 * (every node: role, end, verdict, takeovers; the failovers). The verdict is the scenario's criteria and the
 * baseline over that tree, so {@code soak verify} on the merged directory recomputes the same.
 */
public final class ClusterMerge {

    private ClusterMerge() {
    }

    /** The result: the merged directory, its verdict, and one line per fact worth printing. */
    public record Result(Path directory, boolean passed, List<String> failures, List<String> lines) {
    }

    public static Result merge(List<Path> nodeDirs, Path runsRoot) throws IOException {
        ObjectMapper json = Json.canonical();
        if (nodeDirs.isEmpty()) {
            throw new IllegalArgumentException("give the run directories of the nodes");
        }
        List<Map<String, Object>> manifests = new ArrayList<>();
        String runId = null;
        Path sinksDir = null;
        Map<String, Object> sinksManifest = null;
        for (Path d : nodeDirs) {
            Path f = new RunDirectory(d).manifest();
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("not a run directory (no run_manifest.json): " + d);
            }
            Map<String, Object> m = json.readValue(f.toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
            if (!(m.get("cluster") instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(d + " is not a cluster node's run (no cluster section)");
            }
            String id = String.valueOf(m.get("run_id"));
            if (runId != null && !runId.equals(id)) {
                throw new IllegalArgumentException("the nodes are of different runs: " + runId + " and " + id + " (" + d + ")");
            }
            runId = id;
            manifests.add(m);
            if (!Tree.sinks(Tree.list(m, "plan.sinks")).isEmpty()) {
                if (sinksDir != null) {
                    throw new IllegalArgumentException("two nodes wrote sinks: " + sinksDir + " and " + d);
                }
                sinksDir = d;
                sinksManifest = m;
            }
        }
        if (sinksDir == null) {
            throw new IllegalArgumentException("no node of these wrote the sinks (the role with sinks: true)");
        }
        Path out = runsRoot.resolve(runId);
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists: merge into another --runs-dir, or remove it");
        }
        copyEvidence(sinksDir, out);
        Map<String, Object> tree = new LinkedHashMap<>(sinksManifest);
        Map<String, Object> nodes = new TreeMap<>();
        Map<String, Object> processes = new TreeMap<>();
        Map<String, Object> resources = new TreeMap<>();
        List<Map<String, Object>> failovers = new ArrayList<>();
        double green = Double.NaN;
        boolean invariants = true;
        boolean anyBroker = false;
        int ended = 0;
        int died = 0;
        int failed = 0;
        List<String> lines = new ArrayList<>();
        List<Long> lastSeen = new ArrayList<>(); // the nodes that died: when their manifest was last written
        for (int i = 0; i < manifests.size(); i++) {
            Map<String, Object> m = manifests.get(i);
            String node = String.valueOf(Tree.get(m, "cluster.node"));
            Files.createDirectories(out.resolve("nodes").resolve(node));
            Files.copy(new RunDirectory(nodeDirs.get(i)).manifest(), out.resolve("nodes").resolve(node).resolve("run_manifest.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            boolean hasVerdict = m.get("verdict") instanceof Map<?, ?>;
            Object passed = Tree.get(m, "verdict.passed");
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("role", Tree.get(m, "cluster.role"));
            n.put("source", Tree.get(m, "cluster.source"));
            n.put("directory", nodeDirs.get(i).toAbsolutePath().toString());
            n.put("ended", hasVerdict);
            n.put("end_reason", hasVerdict ? m.get("end_reason") : "no final manifest (the node died)");
            n.put("passed", hasVerdict && Boolean.TRUE.equals(passed));
            n.put("health_green_ratio", Tree.get(m, "health.green_ratio"));
            n.put("wall_time_s", m.get("wall_time_s"));
            n.put("resource_usage", m.get("resource_usage"));
            n.put("delivered", Tree.get(m, "cluster.delivered"));
            n.put("sent", Tree.get(m, "cluster.sent"));
            n.put("duplicates_dropped", Tree.get(m, "cluster.duplicates_dropped"));
            n.put("takeovers", Tree.get(m, "cluster.takeovers"));
            n.put("restores", Tree.get(m, "cluster.restores"));
            n.put("changelog", Tree.get(m, "cluster.changelog"));
            nodes.put(node, n);
            if (hasVerdict) {
                ended++;
                if (!Boolean.TRUE.equals(passed)) {
                    failed++;
                    lines.add("node " + node + " failed its own criteria: " + Tree.list(m, "verdict.criteria").stream()
                            .filter(c -> Boolean.FALSE.equals(Tree.get(c, "passed"))).map(c -> String.valueOf(Tree.get(c, "name")))
                            .toList());
                }
            } else {
                died++;
                long seen = Files.getLastModifiedTime(new RunDirectory(nodeDirs.get(i)).manifest()).toMillis();
                lastSeen.add(seen);
                n.put("last_seen", java.time.Instant.ofEpochMilli(seen).toString());
                lines.add("node " + node + " (" + n.get("role") + ") has no final manifest: it died; its partitions were "
                        + "taken over by its role's other nodes");
            }
            if (Tree.get(m, "cluster.takeovers") instanceof List<?> tk) {
                for (Object t : tk) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("node", node);
                    f.put("at", Tree.get(t, "at"));
                    f.put("at_epoch_ms", Tree.get(t, "at_epoch_ms"));
                    f.put("partitions", Tree.get(t, "assigned"));
                    // which node had them, how much was read to catch up and how long that took (from the
                    // assignment to the end offset seen then), and how each partition was restored
                    Object from = Tree.get(t, "from");
                    f.put("from", from);
                    if (from instanceof Map<?, ?> fm) {
                        java.util.Set<String> prev = new java.util.TreeSet<>();
                        fm.values().forEach(v -> prev.add(String.valueOf(v)));
                        f.put("previous_owner", String.join(",", prev));
                    }
                    f.put("catch_up_ms", Tree.get(t, "catch_up_ms"));
                    f.put("records_replayed", Tree.get(t, "records_replayed"));
                    List<Object> rs = new ArrayList<>();
                    if (Tree.get(m, "cluster.restores") instanceof List<?> all && Tree.get(t, "assigned") instanceof List<?> parts) {
                        for (Object r : all) {
                            if (Objects.equals(Tree.get(r, "at"), Tree.get(t, "at")) && parts.contains(Tree.get(r, "partition"))) {
                                rs.add(r);
                            }
                        }
                    }
                    f.put("restores", rs);
                    failovers.add(f);
                }
            }
            // stage sections from the nodes that ran the stages (the ended one first)
            if (Tree.get(m, "status.processes") instanceof Map<?, ?> ps) {
                for (var e : ps.entrySet()) {
                    String stage = String.valueOf(e.getKey());
                    if (!processes.containsKey(stage) || hasVerdict && !isEnded(nodes, processes, stage)) {
                        Map<String, Object> p = new LinkedHashMap<>(Tree.map(ps, stage));
                        p.put("node", node);
                        processes.put(stage, p);
                    }
                }
            }
            List<String> stages = Tree.list(m, "plan.stages").stream().map(String::valueOf).toList();
            Object local = Tree.get(m, "cluster.stages");
            if (hasVerdict && m.get("harvester_metrics") instanceof Map<?, ?> hm && Boolean.TRUE.equals(Tree.get(m, "cluster.source"))) {
                tree.put("harvester_metrics", hm);
            }
            if (hasVerdict && m.get("signal") instanceof Map<?, ?> s && !s.isEmpty() && stages.contains("signal")
                    && !(tree.get("signal") instanceof Map<?, ?> t && !t.isEmpty())) {
                tree.put("signal", s);
            }
            if (m.get("broker") instanceof Map<?, ?> b && b.get("invariants_ok") instanceof Boolean ok) {
                anyBroker = true;
                invariants &= ok || !hasVerdict;
                if (hasVerdict) {
                    tree.put("broker", b);
                }
            }
            if (m.get("resource_usage") instanceof Map<?, ?> r) {
                for (var e : r.entrySet()) {
                    if (e.getValue() instanceof Number v && (!(resources.get(String.valueOf(e.getKey())) instanceof Number w)
                            || v.doubleValue() > w.doubleValue())) {
                        resources.put(String.valueOf(e.getKey()), v);
                    }
                }
            }
            if (hasVerdict && Tree.get(m, "health.green_ratio") instanceof Number g) {
                green = Double.isNaN(green) ? g.doubleValue() : Math.min(green, g.doubleValue());
            }
            if (local == null) {
                lines.add("node " + node + ": no cluster.stages recorded");
            }
        }
        Map<String, Object> status = new LinkedHashMap<>(Tree.map(tree, "status"));
        status.put("processes", processes);
        tree.put("status", status);
        if (!resources.isEmpty()) {
            Map<String, Object> r = new LinkedHashMap<>(Tree.map(tree, "resource_usage"));
            r.putAll(resources);
            tree.put("resource_usage", r);
        }
        if (!Double.isNaN(green)) {
            Map<String, Object> h = new LinkedHashMap<>(Tree.map(tree, "health"));
            h.put("green_ratio", green);
            tree.put("health", h);
        }
        if (anyBroker) {
            Map<String, Object> b = new LinkedHashMap<>(Tree.map(tree, "broker"));
            b.put("invariants_ok", invariants);
            tree.put("broker", b);
        }
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("merged", true);
        cluster.put("run_id", runId);
        cluster.put("nodes_total", manifests.size());
        cluster.put("nodes_ended", ended);
        cluster.put("nodes_died", died);
        cluster.put("nodes_failed", failed);
        cluster.put("sinks_node", String.valueOf(Tree.get(sinksManifest, "cluster.node")));
        cluster.put("nodes", nodes);
        cluster.put("failovers", failovers);
        // failover time: from a dead node's last manifest write (its last sign of life, at most one health tick
        // before it died) to the first takeover of partitions by another node after it
        long worst = -1;
        for (long seen : lastSeen) {
            long first = failovers.stream().filter(f -> f.get("at_epoch_ms") instanceof Number)
                    .mapToLong(f -> ((Number) f.get("at_epoch_ms")).longValue()).filter(t -> t >= seen).min().orElse(-1);
            if (first >= 0) {
                worst = Math.max(worst, first - seen);
                String caught = failovers.stream().filter(f -> f.get("at_epoch_ms") instanceof Number n && n.longValue() >= seen)
                        .filter(f -> f.get("catch_up_ms") instanceof Number)
                        .map(f -> f.get("node") + " caught up with " + f.get("partitions") + " in " + f.get("catch_up_ms")
                                + " ms (" + f.get("records_replayed") + " records read)")
                        .reduce((a, b) -> a + "; " + b).orElse("no catch-up recorded");
                lines.add("failover: partitions taken over " + (first - seen) + " ms after the dead node was last seen; "
                        + caught);
                long catchUp = failovers.stream().filter(f -> f.get("at_epoch_ms") instanceof Number n && n.longValue() >= seen)
                        .filter(f -> f.get("catch_up_ms") instanceof Number).mapToLong(f -> ((Number) f.get("catch_up_ms")).longValue())
                        .max().orElse(-1);
                if (catchUp >= 0) {
                    cluster.put("catch_up_ms", Math.max(catchUp, cluster.get("catch_up_ms") instanceof Number n ? n.longValue() : 0));
                }
            } else {
                lines.add("failover: no takeover recorded after a dead node was last seen");
            }
        }
        if (worst >= 0) {
            cluster.put("failover_ms", worst);
        }
        tree.put("cluster", cluster);
        List<Criterion> criteria = new ArrayList<>(Verifier.criteria(tree));
        Verdict.Result v = Baseline.evaluate(criteria, tree);
        Map<String, Object> verdict = v.section();
        List<String> failures = new ArrayList<>(v.failures());
        if (failed > 0) {
            verdict.put("passed", false);
            verdict.put("status", "FAIL");
            failures.add(failed + " node(s) failed their own criteria");
        }
        verdict.put("merged_from", nodes.keySet());
        tree.put("verdict", verdict);
        Path tmp = out.resolve("run_manifest.json.tmp");
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), tree);
        Files.move(tmp, out.resolve("run_manifest.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Result(out, Boolean.TRUE.equals(verdict.get("passed")) && failed == 0, failures, lines);
    }

    private static boolean isEnded(Map<String, Object> nodes, Map<String, Object> processes, String stage) {
        Object node = Tree.get(processes.get(stage), "node");
        return node != null && Boolean.TRUE.equals(Tree.get(nodes.get(String.valueOf(node)), "ended"));
    }

    /** Every file of the sinks node's run directory but its manifest and lock. */
    private static void copyEvidence(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (from.relativize(file).getNameCount() == 1 && (name.equals("run_manifest.json") || name.startsWith(".lock")
                        || name.endsWith(".lock") || name.endsWith(".tmp"))) {
                    return FileVisitResult.CONTINUE;
                }
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
