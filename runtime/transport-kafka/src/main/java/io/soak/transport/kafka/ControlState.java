package io.soak.transport.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * What the control topic of a run says: the run's start (announced by the source node), the nodes that joined
 * (role, topics produced and consumed), and what each role finished ({@code done}: a source node's feed, or
 * partitions of a role's inbound topics read to the end with every output flushed). Pure state, fed in topic
 * order by the control reader; tested without a broker.
 */
final class ControlState {

    private long[] start;
    private final Map<String, Map<String, Object>> joins = new LinkedHashMap<>(); // node -> join record
    private final Set<String> sourceDone = new HashSet<>();                      // roles
    private final Map<String, Map<String, Set<Integer>>> donePartitions = new HashMap<>(); // role -> topic -> partitions
    private final Map<String, List<String>> doneByNode = new TreeMap<>();
    private final Map<String, List<String>> owners = new HashMap<>(); // "role/topic-partition" -> nodes, in assignment order
    private long applied = -1; // offset of the last record applied

    synchronized void apply(Map<String, Object> m) {
        String type = String.valueOf(m.get("type"));
        String node = String.valueOf(m.get("node"));
        String role = String.valueOf(m.get("role"));
        switch (type) {
            case "start" -> {
                start = new long[] {((Number) m.get("start_nanos")).longValue(), ((Number) m.get("wall_nanos")).longValue()};
                notifyAll();
            }
            case "join" -> joins.put(node, m);
            case "done" -> {
                if (Boolean.TRUE.equals(m.get("source"))) {
                    sourceDone.add(role);
                    doneByNode.computeIfAbsent(node, k -> new ArrayList<>()).add("source");
                }
                if (m.get("partitions") instanceof Map<?, ?> parts) {
                    for (var e : parts.entrySet()) {
                        Set<Integer> s = donePartitions.computeIfAbsent(role, k -> new HashMap<>())
                                .computeIfAbsent(String.valueOf(e.getKey()), k -> new HashSet<>());
                        for (Object p : (List<?>) e.getValue()) {
                            int pi = ((Number) p).intValue();
                            s.add(pi);
                            doneByNode.computeIfAbsent(node, k -> new ArrayList<>()).add(e.getKey() + "-" + pi);
                        }
                    }
                }
            }
            case "owns" -> {
                if (m.get("partitions") instanceof Map<?, ?> parts) {
                    for (var e : parts.entrySet()) {
                        for (Object p : (List<?>) e.getValue()) {
                            owners.computeIfAbsent(role + "/" + e.getKey() + "-" + ((Number) p).intValue(), k -> new ArrayList<>())
                                    .add(node);
                        }
                    }
                }
            }
            default -> {
                // unknown control records are ignored (a newer node)
            }
        }
    }

    /** The control topic's record at {@code offset} (and all before it) was applied. */
    synchronized void applied(long offset) {
        applied = Math.max(applied, offset);
        notifyAll();
    }

    /** Waits until the record at {@code offset} was applied; false after {@code timeoutMs}. */
    synchronized boolean awaitApplied(long offset, long timeoutMs) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        while (applied < offset) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /**
     * The node of {@code role} that owned {@code partition} ("topic-p") before {@code node}'s latest assignment of
     * it, from the {@code owns} records (each role's group shares the partitions on its own); null when nobody else
     * did (a first owner, or {@code node} owned it last itself).
     */
    synchronized String previousOwner(String role, String partition, String node) {
        List<String> h = owners.getOrDefault(role + "/" + partition, List.of());
        int mine = h.lastIndexOf(node);
        if (mine < 1) {
            return null;
        }
        String before = h.get(mine - 1);
        return before.equals(node) ? null : before;
    }

    synchronized long[] awaitStart(long timeoutMs) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        while (start == null) {
            long left = until - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return start.clone();
    }

    /** Every role that joined producing {@code topic} is complete (and at least one did). */
    synchronized boolean upstreamDone(String topic, ToIntFunction<String> partitionsOf) {
        Set<String> roles = new HashSet<>();
        for (Map<String, Object> j : joins.values()) {
            if (j.get("produces") instanceof List<?> l && l.contains(topic)) {
                roles.add(String.valueOf(j.get("role")));
            }
        }
        if (roles.isEmpty()) {
            return false;
        }
        for (String r : roles) {
            if (!roleComplete(r, partitionsOf)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A source role is complete when one of its nodes finished the feed; another role when its nodes together
     * announced every partition of every topic the role consumes from the cluster.
     */
    synchronized boolean roleComplete(String role, ToIntFunction<String> partitionsOf) {
        boolean any = false;
        Set<String> inbound = new HashSet<>();
        for (Map<String, Object> j : joins.values()) {
            if (!role.equals(String.valueOf(j.get("role")))) {
                continue;
            }
            any = true;
            if (Boolean.TRUE.equals(j.get("source"))) {
                return sourceDone.contains(role);
            }
            if (j.get("inbound") instanceof List<?> l) {
                l.forEach(t -> inbound.add(String.valueOf(t)));
            }
        }
        if (!any) {
            return false;
        }
        Map<String, Set<Integer>> done = donePartitions.getOrDefault(role, Map.of());
        for (String t : inbound) {
            Set<Integer> d = done.getOrDefault(t, Set.of());
            int n = partitionsOf.applyAsInt(t);
            for (int p = 0; p < n; p++) {
                if (!d.contains(p)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** For the manifest: every node that joined, its role and what it announced done. */
    synchronized Map<String, Object> nodes() {
        Map<String, Object> m = new TreeMap<>();
        joins.forEach((n, j) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("role", j.get("role"));
            e.put("source", j.get("source"));
            e.put("done", doneByNode.getOrDefault(n, List.of()));
            m.put(n, e);
        });
        return m;
    }
}
