package io.soak.engine.internal;

import io.soak.api.plan.Mode;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.Topics;
import io.soak.engine.ClusterBus;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Cluster mode set-up (docs/scale-out.md): which of the plan's stages run on this node ({@code cluster.stages}),
 * and the {@link ClusterBus} found with {@link ServiceLoader} for {@code cluster.kafka}.
 */
final class ClusterSetUp {

    private ClusterSetUp() {
    }

    /** The stages of this node, in pipeline order: all of the plan's outside cluster mode. */
    static List<String> localStages(Engine engine) {
        List<String> all = engine.plan.stages();
        if (engine.merged.string("cluster.kafka", "").isBlank()) {
            return all;
        }
        List<String> wanted = engine.merged.list("cluster.stages", all);
        for (String s : wanted) {
            if (!all.contains(s)) {
                throw new IllegalArgumentException("cluster.stages names '" + s + "', which is not a stage of the scenario "
                        + all);
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : all) {
            if (wanted.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    static ClusterBus open(Engine engine, Map<String, StageFactory> factories) {
        if (engine.sim) {
            throw new IllegalStateException("cluster mode needs a paced replay or a live run: pace max (the deterministic "
                    + "simulation) is single-node");
        }
        Set<String> produced = new LinkedHashSet<>();
        Set<String> consumed = new LinkedHashSet<>();
        for (StageFactory f : factories.values()) {
            produced.addAll(f.outputs());
            consumed.addAll(f.inputs());
        }
        Set<String> inbound = new LinkedHashSet<>(consumed);
        inbound.removeAll(produced);
        inbound.remove(Topics.RAW);
        boolean source = consumed.contains(Topics.RAW);
        String nodeId = engine.merged.string("cluster.node", "");
        if (nodeId.isBlank()) {
            nodeId = host() + "-" + ProcessHandle.current().pid();
        }
        String role = engine.merged.string("cluster.role", "");
        if (role.isBlank()) {
            role = String.join("+", factories.keySet());
        }
        double pace = engine.plan.mode() == Mode.REPLAY ? engine.plan.pace().multiplier() : 1.0;
        String id = nodeId;
        String r = role;
        ClusterBus.Node node = new ClusterBus.Node() {
            public String runId() { return engine.runId(); }
            public String nodeId() { return id; }
            public String role() { return r; }
            public Settings config() { return engine.merged; }
            public double pace() { return pace; }
            public List<String> symbols() {
                return engine.plan.source() == null ? List.of() : List.copyOf(engine.plan.source().symbols());
            }
            public boolean source() { return source; }
            public Set<String> produced() { return Set.copyOf(produced); }
            public Set<String> inbound() { return Set.copyOf(inbound); }
            public void deliver(String topic, long seq, long timeNanos, Object payload) throws InterruptedException {
                engine.bus.deliverInbound(topic, seq, timeNanos, payload);
            }
            public boolean quiet() { return engine.shutdown.quiet(); }
            public void requestStop(String reason) { engine.requestStop(reason); }
            public Map<String, Map<String, byte[]>> snapshotSymbols(Map<String, Set<String>> groups) {
                return SymbolSnapshots.snapshot(engine, groups);
            }
            public void restoreSymbols(Set<String> symbols, Map<String, byte[]> states) {
                SymbolSnapshots.restore(engine, symbols, states);
            }
        };
        Iterator<ClusterBus.Factory> it = ServiceLoader.load(ClusterBus.Factory.class, ClusterSetUp.class.getClassLoader())
                .iterator();
        if (!it.hasNext()) {
            throw new IllegalStateException("cluster.kafka is set but no cluster bus is on the class path "
                    + "(module soak-transport-kafka)");
        }
        return it.next().create(node);
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "node";
        }
    }
}
