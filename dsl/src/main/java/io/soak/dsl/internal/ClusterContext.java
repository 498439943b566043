package io.soak.dsl.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code cluster { }}: the scenario on several nodes over Apache Kafka (docs/scale-out.md).
 * <pre>
 * cluster {
 *   kafka env('SOAK_KAFKA_BOOTSTRAP', '127.0.0.1:9092')
 *   partitions 6
 *   role 'harvest', stages: ['harvest']
 *   role 'signal',  stages: ['signal', 'broker']
 *   role 'sinks',   stages: ['report'], sinks: true
 * }
 * </pre>
 * Each node is {@code soak run <scenario> --role <name>}: it runs the stages of its role (the nodes of one role
 * share their inputs' partitions), writes the sinks only when its role says so, and its own manifest; {@code soak
 * merge} gives the run's manifest and verdict. Carried in the plan as {@code cluster.*} configuration keys.
 */
public final class ClusterContext extends BlockContext {

    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._-]+:\\d{1,5}(,[A-Za-z0-9._-]+:\\d{1,5})*");

    private String kafka;
    private Long partitions;
    private final Map<String, List<String>> roles = new LinkedHashMap<>();
    private final Map<String, Boolean> sinks = new LinkedHashMap<>();

    ClusterContext(Evaluation eval) {
        super(eval, "soak.cluster", "cluster { }");
    }

    @Override
    String hint(String setting) {
        return switch (setting) {
            case "kafka" -> "kafka '127.0.0.1:9092'";
            case "partitions" -> "partitions 6";
            case "role" -> "role 'signal', stages: ['signal', 'broker'] (sinks: true for the node that writes the sinks)";
            default -> null;
        };
    }

    /** The Kafka bootstrap servers, {@code host:port[,host:port]}. */
    public void kafka(Object v) {
        enter("kafka");
        String s = Values.text(field("kafka"), v).trim();
        if (!HOST_PORT.matcher(s).matches()) {
            throw new DslError(field("kafka") + " must be host:port (comma separated for several), got " + Values.show(v));
        }
        kafka = s;
    }

    /** Partitions of every pipeline topic of the run (keyed by symbol). */
    public void partitions(Object v) {
        enter("partitions");
        long n = Values.integer(field("partitions"), v);
        if (n < 1 || n > 1000) {
            throw new DslError(field("partitions") + " must be 1..1000, got " + n);
        }
        partitions = n;
    }

    /** A role: its stages, and whether its nodes write the sinks. */
    public void role(Map<String, Object> options, Object name) {
        enter("role");
        String r = Values.text(field("role"), name);
        if (!SoakContext.COMPONENT.matcher(r).matches()) {
            throw new DslError(field("role") + ": " + Values.show(name) + " is not a role name (lower case letters, digits, '-', '_')");
        }
        if (roles.containsKey(r)) {
            throw new DslError(field("role") + " names " + Values.show(r) + " twice");
        }
        Object st = options.get("stages");
        if (st == null) {
            throw new DslError(field("role") + " '" + r + "' needs stages: [...]");
        }
        List<String> list = new ArrayList<>();
        for (Object o : Values.flat(st)) {
            list.add(Values.text(field("role") + " '" + r + "' stages", o));
        }
        if (list.isEmpty()) {
            throw new DslError(field("role") + " '" + r + "' needs at least one stage");
        }
        for (String k : options.keySet()) {
            if (!k.equals("stages") && !k.equals("sinks")) {
                throw new DslError(field("role") + " '" + r + "': unknown option '" + k + "'; known: stages, sinks");
            }
        }
        roles.put(r, list);
        sinks.put(r, options.containsKey("sinks") && Values.bool(field("role") + " '" + r + "' sinks", options.get("sinks")));
    }

    /** The block as configuration keys, checked against the scenario's stages. */
    Map<String, Object> build(List<String> stages, boolean simulated) {
        if (kafka == null) {
            throw invalid("kafka", "is required in cluster { }; usage: " + hint("kafka"));
        }
        if (roles.isEmpty()) {
            throw invalid("role", "cluster { } needs at least one role; usage: " + hint("role"));
        }
        if (simulated) {
            throw new DslError(openLine, "soak.cluster needs a paced replay (pace '20x') or a live run: pace 'max' (the "
                    + "deterministic simulation) runs on one node");
        }
        Map<String, String> owner = new TreeMap<>();
        for (var e : roles.entrySet()) {
            for (String s : e.getValue()) {
                if (!stages.contains(s)) {
                    throw invalid("role", "'" + e.getKey() + "' names stage '" + s + "', which is not in stages " + stages);
                }
                String before = owner.put(s, e.getKey());
                if (before != null) {
                    throw invalid("role", "stage '" + s + "' is in two roles ('" + before + "' and '" + e.getKey()
                            + "'); the nodes of one role share a stage's partitions");
                }
            }
        }
        for (String s : stages) {
            if (!owner.containsKey(s)) {
                throw invalid("role", "stage '" + s + "' is in no role; every stage of the scenario runs on some node");
            }
        }
        if (!sinks.containsValue(true)) {
            throw invalid("role", "no role writes the sinks: give one role sinks: true");
        }
        Map<String, Object> cfg = new TreeMap<>();
        cfg.put("cluster.kafka", kafka);
        if (partitions != null) {
            cfg.put("cluster.partitions", partitions);
        }
        cfg.put("cluster.roles", List.copyOf(roles.keySet()));
        for (var e : roles.entrySet()) {
            cfg.put("cluster.role." + e.getKey() + ".stages", List.copyOf(e.getValue()));
            cfg.put("cluster.role." + e.getKey() + ".sinks", sinks.get(e.getKey()));
        }
        return cfg;
    }
}
