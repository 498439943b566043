package io.soak.launcher;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.ScenarioPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code soak run <scenario> --role <name> [--node id] [--kafka host:port]}: one node of a scenario with a
 * {@code cluster { }} block (docs/scale-out.md). The node runs its role's stages ({@code cluster.stages}), writes the
 * sinks only when its role does, and keeps the planned faults aimed at its own stages and sinks.
 */
final class ClusterRole {

    private ClusterRole() {
    }

    static ScenarioPlan apply(ScenarioPlan plan, String role, String node, String kafka) throws UserException {
        Map<String, Object> cfg = plan.config();
        Object roles = cfg.get("cluster.roles");
        if (!(roles instanceof List<?> names) || names.isEmpty()) {
            if (role != null || node != null || kafka != null) {
                throw new UserException(Launcher.INVALID, "--role, --node and --kafka need a scenario with a cluster { } block");
            }
            return plan;
        }
        if (role == null) {
            throw new UserException(Launcher.INVALID, "scenario " + plan.name() + " runs on a cluster: give --role "
                    + String.join("|", names.stream().map(String::valueOf).toList()) + " (docs/scale-out.md)");
        }
        if (!names.contains(role)) {
            throw new UserException(Launcher.INVALID, "unknown role '" + role + "'; the scenario's roles: " + names);
        }
        List<String> stages = new ArrayList<>();
        if (cfg.get("cluster.role." + role + ".stages") instanceof List<?> l) {
            l.forEach(s -> stages.add(String.valueOf(s)));
        }
        boolean sinks = Boolean.TRUE.equals(cfg.get("cluster.role." + role + ".sinks"));
        Map<String, Object> c = new TreeMap<>(cfg);
        c.put("cluster.role", role);
        c.put("cluster.stages", List.copyOf(stages));
        if (node != null && !node.isBlank()) {
            if (!node.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new UserException(Launcher.INVALID, "--node must be 1-64 of A-Z a-z 0-9 . _ -, got '" + node + "'");
            }
            c.put("cluster.node", node);
        }
        if (kafka != null) {
            if (!kafka.matches("[A-Za-z0-9._-]+:\\d{1,5}(,[A-Za-z0-9._-]+:\\d{1,5})*")) {
                throw new UserException(Launcher.INVALID, "--kafka must be host:port, got '" + kafka + "'");
            }
            c.put("cluster.kafka", kafka);
        }
        List<String> sinkTypes = sinks ? plan.sinks() : List.of();
        List<FaultSpec> faults = new ArrayList<>();
        for (FaultSpec f : plan.faults()) {
            boolean feed = f.kind().startsWith("feed-");
            if (feed ? stages.contains("harvest") : stages.contains(f.target()) || sinkTypes.contains(f.target())
                    || "timeseries-outage".equals(f.kind()) && sinks) {
                faults.add(f);
            }
        }
        return new ScenarioPlan(plan.name(), plan.scriptFile(), plan.scriptHash(), plan.mode(), plan.pace(), plan.seed(),
                plan.duration(), plan.source(), plan.stages(), sinkTypes, plan.healthInterval(), plan.restartPolicy(),
                plan.timeseries(), plan.alerts(), faults, plan.expectations(), c, plan.reportTimeZone());
    }
}
