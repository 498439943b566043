package io.soak.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.sink.Row;
import io.soak.engine.EngineOptions;
import io.soak.engine.RunOutcome;
import io.soak.engine.SoakRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's cluster mode on a real Kafka broker (scripts/services.sh): several nodes of one run in this JVM,
 * each its own {@link SoakRun} with its own run directory, talking only through Kafka.
 */
class KafkaBusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runs;

    private static Map<String, Object> config(String kafka, String node, List<String> stages, String role) {
        Map<String, Object> c = new TreeMap<>();
        c.put("cluster.kafka", kafka);
        c.put("cluster.node", node);
        c.put("cluster.stages", stages);
        if (role != null) {
            c.put("cluster.role", role);
        }
        c.put("cluster.start_timeout_ms", 60_000);
        c.put("sinks.topics", List.of("decision"));
        return c;
    }

    private CompletableFuture<RunOutcome> node(String runId, String name, long count, double rate, double pace,
            List<String> sinks, Map<String, Object> cfg, TestCluster.MemSink sink, SoakRun[] handle) {
        SoakRun run = new SoakRun(TestCluster.plan("cluster-test", count, rate, pace, sinks, cfg), TestCluster.registry(sink),
                List.of(), EngineOptions.of(runs.resolve(name)).withRunId(runId));
        if (handle != null) {
            handle[0] = run;
        }
        CompletableFuture<RunOutcome> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(run.run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "node-" + name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    @Test
    void threeNodesOverKafkaDeliverEveryDecisionOnceWithSeqsCarried() throws Exception {
        String kafka = TestCluster.bootstrap();
        String runId = "kt-" + Long.toHexString(System.nanoTime());
        long count = 3000;
        TestCluster.MemSink sink = new TestCluster.MemSink();
        var k = node(runId, "sinks", count, 1000, 10, List.of("mem"), config(kafka, "k", List.of("tally"), null), sink, null);
        var s1 = node(runId, "scan1", count, 1000, 10, List.of(), config(kafka, "s1", List.of("scan"), null), null, null);
        var h = node(runId, "harvest", count, 1000, 10, List.of(), config(kafka, "h", List.of("tick"), null), null, null);
        RunOutcome ho = TestCluster.outcome(h, "harvest", Duration.ofSeconds(120));
        RunOutcome so = TestCluster.outcome(s1, "scan1", Duration.ofSeconds(120));
        RunOutcome ko = TestCluster.outcome(k, "sinks", Duration.ofSeconds(120));

        for (RunOutcome o : List.of(ho, so, ko)) {
            System.out.println(o.runDirectory() + " exit " + o.exitCode() + " " + o.failures());
        }
        assertThat(at(ho.manifest(), "end_reason")).isEqualTo("feed_exhausted");
        assertThat(at(so.manifest(), "end_reason")).isEqualTo("upstream_done");
        assertThat(at(ko.manifest(), "end_reason")).isEqualTo("upstream_done");
        assertThat(num(ho.manifest(), "cluster.sent.market")).isEqualTo(count);
        assertThat(num(so.manifest(), "cluster.delivered.market")).isEqualTo(count);
        assertThat(num(so.manifest(), "cluster.sent.decision")).isEqualTo(count);
        assertThat(num(ko.manifest(), "cluster.delivered.decision")).isEqualTo(count);
        assertExactlyOnce(sink, count);
        // the engine's seq travels: a decision's seq is derived from the market event's, which is from raw's
        assertThat(num(ko.manifest(), "bus.topics.decision.last_seq")).isEqualTo(count);
        for (RunOutcome o : List.of(ho, so, ko)) {
            assertThat(num(o.manifest(), "cluster.send_errors")).isZero();
            assertThat(num(o.manifest(), "cluster.bad_records")).isZero();
            assertThat(criterion(o.manifest(), "baseline.cluster_sent")).containsEntry("passed", true);
            assertThat(criterion(o.manifest(), "baseline.cluster_received")).containsEntry("passed", true);
        }
    }

    /**
     * A node whose records Kafka refuses (here an operator made the run's market topic beforehand, with a
     * message size limit below one event) counts each failed send and fails its verdict on
     * {@code baseline.cluster_sent}: the next node never sees those events.
     */
    @Test
    void aNodeWhoseSendsKafkaRefusesFailsItsVerdict() throws Exception {
        String kafka = TestCluster.bootstrap();
        String runId = "kr-" + Long.toHexString(System.nanoTime());
        java.util.Properties a = new java.util.Properties();
        a.put("bootstrap.servers", kafka);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(a)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("soak." + runId + ".market", 3, (short) 1)
                    .configs(Map.of("max.message.bytes", "64")))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        long count = 200;
        RunOutcome ho = TestCluster.outcome(node(runId, "harvest", count, 1000, 10, List.of(),
                config(kafka, "h", List.of("tick"), null), null, null), "harvest", Duration.ofSeconds(120));
        Map<String, Object> m = ho.manifest();
        assertThat(num(m, "cluster.sent.market")).isEqualTo(count);
        assertThat(num(m, "cluster.send_errors")).isEqualTo(count);
        assertThat(String.valueOf(at(m, "cluster.last_send_error"))).contains("market");
        assertThat(criterion(m, "baseline.cluster_sent")).containsEntry("passed", false);
        assertThat(at(m, "verdict.status")).isNotEqualTo("PASS");
        assertThat(ho.failures()).anyMatch(f -> f.startsWith("baseline.cluster_sent: expected baseline.cluster.send_errors == 0, observed "
                + count));
    }

    /**
     * Records on a run's topic that a node cannot decode (here written by hand before the run: no seq, no type) are
     * counted and skipped, and fail the node's verdict on {@code baseline.cluster_received}: had they been events,
     * its stages never saw them.
     */
    @Test
    void aNodeThatReadsRecordsItCannotDecodeFailsItsVerdict() throws Exception {
        String kafka = TestCluster.bootstrap();
        String runId = "kb-" + Long.toHexString(System.nanoTime());
        String topic = "soak." + runId + ".market";
        java.util.Properties a = new java.util.Properties();
        a.put("bootstrap.servers", kafka);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(a)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 6, (short) 1))).all()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", kafka);
        p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p)) {
            for (int i = 0; i < 5; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, i % 6, null,
                        "not an event".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        long count = 300;
        var s1 = node(runId, "scan1", count, 1000, 10, List.of(), config(kafka, "s1", List.of("scan"), null), null, null);
        var h = node(runId, "harvest", count, 1000, 10, List.of(), config(kafka, "h", List.of("tick"), null), null, null);
        TestCluster.outcome(h, "harvest", Duration.ofSeconds(120));
        Map<String, Object> m = TestCluster.outcome(s1, "scan1", Duration.ofSeconds(120)).manifest();
        assertThat(num(m, "cluster.delivered.market")).isEqualTo(count);
        assertThat(num(m, "cluster.bad_records")).isEqualTo(5);
        assertThat(criterion(m, "baseline.cluster_received")).containsEntry("passed", false);
        assertThat(criterion(m, "baseline.cluster_sent")).containsEntry("passed", true);
        assertThat(at(m, "verdict.status")).isEqualTo("FAIL");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> criterion(Map<String, Object> manifest, String name) {
        return maps(at(manifest, "verdict.criteria")).stream().filter(c -> name.equals(c.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no criterion " + name + " in " + at(manifest, "verdict.criteria")));
    }

    @Test
    void aScanNodeThatLeavesMidRunHandsItsPartitionsOverAndNothingIsLostOrDuplicated() throws Exception {
        String kafka = TestCluster.bootstrap();
        String runId = "kf-" + Long.toHexString(System.nanoTime());
        long count = 16000;
        double rate = 2000;
        double pace = 1; // 8 s
        TestCluster.MemSink sink = new TestCluster.MemSink();
        SoakRun[] second = new SoakRun[1];
        var k = node(runId, "sinks", count, rate, pace, List.of("mem"), config(kafka, "k", List.of("tally"), null), sink, null);
        var s1 = node(runId, "scan1", count, rate, pace, List.of(), config(kafka, "s1", List.of("scan"), "scan"), null, null);
        var s2 = node(runId, "scan2", count, rate, pace, List.of(), config(kafka, "s2", List.of("scan"), "scan"), null, second);
        var h = node(runId, "harvest", count, rate, pace, List.of(), config(kafka, "h", List.of("tick"), null), null, null);
        // once both scan nodes hold partitions and decisions flow, the second one goes away
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> sink.rows.getOrDefault("decision", new java.util.concurrent.ConcurrentSkipListMap<>()).size() > count / 4
                        && owned(runs.resolve("scan1").resolve(runId)) > 0 // a node's first assignment is no takeover:
                        && owned(runs.resolve("scan2").resolve(runId)) > 0); // under load scan1 could join only after scan2 left
        second[0].requestStop("test: node leaves");
        RunOutcome ho = TestCluster.outcome(h, "harvest", Duration.ofSeconds(120));
        RunOutcome o1 = TestCluster.outcome(s1, "scan1", Duration.ofSeconds(120));
        RunOutcome o2 = TestCluster.outcome(s2, "scan2", Duration.ofSeconds(120));
        RunOutcome ko = TestCluster.outcome(k, "sinks", Duration.ofSeconds(120));

        assertThat(at(o1.manifest(), "end_reason")).isEqualTo("upstream_done");
        assertThat(at(ko.manifest(), "end_reason")).isEqualTo("upstream_done");
        assertThat((List<?>) at(o1.manifest(), "cluster.takeovers")).as("the surviving scan node took partitions over")
                .isNotEmpty();
        assertExactlyOnce(sink, count);
        // the survivor restored the moved partitions from the leaver's snapshot (or replayed them from their start):
        // what the leaver had published after it comes twice to the sinks node, which drops it by (topic, symbol, seq)
        System.out.printf("failover: scan1 delivered %d market events (of %d), scan2 %d; sinks node dropped %d replayed decisions%n",
                num(o1.manifest(), "cluster.delivered.market"), count, num(o2.manifest(), "cluster.delivered.market"),
                num(ko.manifest(), "cluster.duplicates_dropped.decision"));
        assertThat(num(o1.manifest(), "cluster.delivered.market") + num(o2.manifest(), "cluster.delivered.market"))
                .isGreaterThanOrEqualTo(count);
        assertThat(ho.exitCode()).isNotEqualTo(3);
    }

    /**
     * Per-partition snapshots (the run's compacted changelog topic): a scan node that joins late takes a partition
     * over from the first one, and leaves later; each time the partition's new owner restores the symbols' state
     * and the dedupe state from the snapshot the previous owner wrote when it handed the partition over, and reads
     * on from the snapshot's offset instead of the partition's start. The first assignment of the late node is a
     * takeover too (it takes a partition another node owned).
     */
    @Test
    void partitionsThatMoveAreRestoredFromTheChangelogAndOnlyWhatFollowsIsRead() throws Exception {
        String kafka = TestCluster.bootstrap();
        String runId = "kc-" + Long.toHexString(System.nanoTime());
        long count = 30000;
        double rate = 2000;
        double pace = 1; // 15 s: room for the second node to start and join on a loaded machine
        TestCluster.MemSink sink = new TestCluster.MemSink();
        SoakRun[] second = new SoakRun[1];
        Map<String, Object> k1 = config(kafka, "k", List.of("tally"), null);
        Map<String, Object> c1 = config(kafka, "s1", List.of("scan"), "scan");
        Map<String, Object> c2 = config(kafka, "s2", List.of("scan"), "scan");
        Map<String, Object> h1 = config(kafka, "h", List.of("tick"), null);
        for (Map<String, Object> c : List.of(k1, c1, c2, h1)) {
            c.put("cluster.partitions", 3); // one symbol per partition: a partition that moves carries data
            c.put("cluster.snapshot_interval_ms", 1000);
        }
        var k = node(runId, "sinks", count, rate, pace, List.of("mem"), k1, sink, null);
        var s1 = node(runId, "scan1", count, rate, pace, List.of(), c1, null, null);
        var h = node(runId, "harvest", count, rate, pace, List.of(), h1, null, null);
        // the second scan node joins once decisions flow through the first
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> decisions(sink) > count / 6 && owned(runs.resolve("scan1").resolve(runId)) > 0);
        var s2 = node(runId, "scan2", count, rate, pace, List.of(), c2, null, second);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> owned(runs.resolve("scan2").resolve(runId)) > 0);
        long atJoin = decisions(sink);
        // and leaves once it has delivered a good share
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> decisions(sink) > atJoin + count / 6 || decisions(sink) > count * 3 / 4);
        second[0].requestStop("test: node leaves");
        RunOutcome ho = TestCluster.outcome(h, "harvest", Duration.ofSeconds(120));
        RunOutcome o1 = TestCluster.outcome(s1, "scan1", Duration.ofSeconds(120));
        RunOutcome o2 = TestCluster.outcome(s2, "scan2", Duration.ofSeconds(120));
        RunOutcome ko = TestCluster.outcome(k, "sinks", Duration.ofSeconds(120));

        long read = num(o1.manifest(), "cluster.delivered.market") + num(o2.manifest(), "cluster.delivered.market");
        System.out.println(missing(sink, count));
        System.out.printf("changelog: scan1 delivered %d market events, scan2 %d (of %d: %d read twice); sinks node dropped %d "
                + "replayed decisions; scan1 %s; scan2 %s%nscan1 restores %s%nscan2 restores %s%ntakeovers scan1 %s scan2 %s%n",
                num(o1.manifest(), "cluster.delivered.market"), num(o2.manifest(), "cluster.delivered.market"), count,
                read - count, num(ko.manifest(), "cluster.duplicates_dropped.decision"), at(o1.manifest(), "cluster.changelog"),
                at(o2.manifest(), "cluster.changelog"), at(o1.manifest(), "cluster.restores"),
                at(o2.manifest(), "cluster.restores"), at(o1.manifest(), "cluster.takeovers"), at(o2.manifest(), "cluster.takeovers"));
        System.out.println("scan1 assignments " + at(o1.manifest(), "cluster.assignments") + "\nscan2 assignments "
                + at(o2.manifest(), "cluster.assignments"));
        for (var o : Map.of("harvest", ho, "scan1", o1, "scan2", o2, "sinks", ko).entrySet()) {
            Map<String, Object> m = o.getValue().manifest();
            System.out.printf("%s: exit %d end %s sent %s delivered %s dropped %s send_errors %s %s bad_records %s "
                    + "changelog skipped %s %s%n", o.getKey(), o.getValue().exitCode(), at(m, "end_reason"),
                    at(m, "cluster.sent"), at(m, "cluster.delivered"), at(m, "cluster.duplicates_dropped"),
                    at(m, "cluster.send_errors"), at(m, "cluster.last_send_error"), at(m, "cluster.bad_records"),
                    at(m, "cluster.changelog.skipped"), at(m, "cluster.changelog.last_skip"));
        }
        assertThat(at(o1.manifest(), "end_reason")).isEqualTo("upstream_done");
        assertThat(at(ko.manifest(), "end_reason")).isEqualTo("upstream_done");
        assertExactlyOnce(sink, count);

        // the late node's first assignment took a partition scan1 owned: a takeover
        List<Map<String, Object>> t2 = maps(at(o2.manifest(), "cluster.takeovers"));
        assertThat(t2).as("scan2's first assignment takes over scan1's partitions").isNotEmpty();
        assertThat(t2.get(0).get("from").toString()).contains("s1");
        // both moves restored from a snapshot (state and dedupe) at an offset past the partition's start
        assertRestoredFromSnapshot(o2.manifest(), "s1");
        assertRestoredFromSnapshot(o1.manifest(), "s2");
        List<Map<String, Object>> t1 = maps(at(o1.manifest(), "cluster.takeovers"));
        assertThat(t1).as("scan1 takes scan2's partitions back").isNotEmpty();
        assertThat(t1).allSatisfy(t -> assertThat(t.get("catch_up_ms")).as("catch-up time of %s", t).isInstanceOf(Number.class));
        // only what followed the snapshots was read again: replaying the moved partitions from their start reads
        // every event before the moves twice (thousands here)
        assertThat(read - count).as("market events read twice").isLessThan(count / 20);
        assertThat(num(ko.manifest(), "cluster.duplicates_dropped.decision")).as("replayed decisions").isLessThan(count / 20);
        assertThat(num(o1.manifest(), "cluster.changelog.rounds")).as("periodic snapshots").isGreaterThan(1);
        // the sinks node's stage keeps no per-symbol state: it writes no snapshots and says why (its partitions
        // would be replayed from their start)
        assertThat(at(ko.manifest(), "cluster.changelog.enabled")).isEqualTo(false);
        assertThat(String.valueOf(at(ko.manifest(), "cluster.changelog.disabled_because"))).contains("tally");
        assertThat(num(o1.manifest(), "cluster.send_errors")).isZero();
        assertThat(ho.exitCode()).isNotEqualTo(3);
    }

    private static void assertRestoredFromSnapshot(Map<String, Object> manifest, String by) {
        List<Map<String, Object>> fromSnapshot = maps(at(manifest, "cluster.restores")).stream()
                .filter(r -> by.equals(r.get("previous_owner"))).toList();
        assertThat(fromSnapshot).as("partitions taken from %s", by).isNotEmpty();
        assertThat(fromSnapshot).allSatisfy(r -> {
            assertThat(r.get("from")).as("%s", r).isEqualTo("snapshot");
            assertThat(((Number) r.get("offset")).longValue()).as("%s", r).isPositive();
            assertThat(r.get("snapshot_by")).isEqualTo(by);
        });
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static long decisions(TestCluster.MemSink sink) {
        return sink.rows.getOrDefault("decision", new java.util.concurrent.ConcurrentSkipListMap<>()).size();
    }

    /** Partitions the node holds, from its manifest (rewritten at every health tick, 1 s here). */
    @SuppressWarnings("unchecked")
    private static int owned(Path runDir) {
        try {
            Map<String, Object> m = JSON.readValue(runDir.resolve("run_manifest.json").toFile(), Map.class);
            Object o = at(m, "cluster.owned");
            return o instanceof List<?> l ? l.size() : 0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The trades without a decision, as runs per symbol ("AAAUSDT 3..300 (100)"), for a failure's output. */
    private static String missing(TestCluster.MemSink sink, long count) throws Exception {
        Set<Long> trades = new HashSet<>();
        for (Row r : sink.rows.getOrDefault("decision", new java.util.concurrent.ConcurrentSkipListMap<>()).values()) {
            trades.add(JSON.readTree(r.json()).get("z_ofi").asLong());
        }
        StringBuilder b = new StringBuilder("trades without a decision:");
        long total = 0;
        int k = TestCluster.SYMBOLS.length;
        for (int sym = 0; sym < k; sym++) {
            long runStart = -1;
            long runLen = 0;
            for (long n = sym; n <= count + k; n += k) {
                boolean miss = n >= 1 && n <= count && !trades.contains(n);
                if (miss) {
                    total++;
                    if (runStart < 0) {
                        runStart = n;
                    }
                    runLen++;
                } else if (runStart >= 0) {
                    b.append(' ').append(TestCluster.SYMBOLS[sym]).append(' ').append(runStart).append("..")
                            .append(n - k).append(" (").append(runLen).append(')');
                    runStart = -1;
                    runLen = 0;
                }
            }
        }
        return b.append(" total ").append(total).toString();
    }

    /** Every trade's decision once, seq 1..n, each symbol's scores 1..k once (state followed its partition). */
    private static void assertExactlyOnce(TestCluster.MemSink sink, long count) throws Exception {
        var rows = sink.rows.get("decision");
        assertThat(rows).isNotNull();
        assertThat(rows.size()).isEqualTo((int) count);
        assertThat(rows.firstKey()).isEqualTo(1L);
        assertThat(rows.lastKey()).isEqualTo(count);
        Map<String, Set<Long>> scores = new HashMap<>();
        Set<Long> trades = new HashSet<>();
        List<String> dup = new ArrayList<>();
        for (Row r : rows.values()) {
            JsonNode j = JSON.readTree(r.json());
            String sym = j.get("symbol").asText();
            long score = j.get("score").asLong();
            long trade = j.get("z_ofi").asLong();
            if (!scores.computeIfAbsent(sym, x -> new HashSet<>()).add(score) || !trades.add(trade)) {
                dup.add(sym + " score " + score + " trade " + trade);
            }
        }
        assertThat(dup).as("duplicated decisions").isEmpty();
        assertThat(trades).hasSize((int) count);
        for (var e : scores.entrySet()) {
            int n = e.getValue().size();
            assertThat(e.getValue()).as("scores of %s are 1..%d (the symbol's state was never lost)", e.getKey(), n)
                    .allMatch(s -> s >= 1 && s <= n);
        }
    }

    static Object at(Map<String, Object> tree, String path) {
        return io.soak.testing.fakes.ManifestTree.at(tree, path);
    }

    static long num(Map<String, Object> tree, String path) {
        return io.soak.testing.fakes.ManifestTree.num(tree, path);
    }
}
