package io.soak.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.market.Trade;
import io.soak.api.stage.Settings;
import io.soak.engine.ClusterBus;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A record the node could not hand to its stages is not counted as delivered: when the inbound side fails on it,
 * the snapshot written as the node lets its partitions go ends before it, so the next owner reads it again.
 * Before, the offset was recorded ahead of the delivery, and the snapshot sealed the failed record as done: lost.
 */
class FailedDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYM = "AAAUSDT";

    @Test
    void theSnapshotOfAPartitionEndsBeforeTheRecordThatFailedToBeDelivered() throws Exception {
        String kafka = TestCluster.bootstrap();
        String runId = "fd-" + Long.toHexString(System.nanoTime());
        try (KafkaBus source = new KafkaBus(node(runId, kafka, "src", "tick", true, Set.of("market"), Set.of(), null, null))) {
            for (int n = 1; n <= 20; n++) {
                source.send("market", n * 64L + 1, n, new Trade(SYM, "aaausdt@aggTrade", n, 100, 1, false, n, n, n));
            }
            source.finish();
        }
        AtomicInteger seen = new AtomicInteger();
        String[] stopped = new String[1];
        ClusterBus.Node scan = node(runId, kafka, "s1", "scan", false, Set.of(), Set.of("market"), (topic) -> {
            if (seen.incrementAndGet() == 10) {
                throw new IllegalStateException("test: the 10th event cannot be handed to the stages");
            }
        }, reason -> stopped[0] = reason);
        try (KafkaBus bus = new KafkaBus(scan)) {
            bus.start();
            long until = System.nanoTime() + 60_000_000_000L;
            while (stopped[0] == null && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(stopped[0]).as("the inbound side stopped on the failed delivery").isEqualTo("cluster_inbound_failed");
            bus.stopInbound(); // the snapshot of the revoked partition is written as the consumer closes
        }
        Map<String, JsonNode> snaps = changelog(kafka, "soak." + runId + ".changelog.scan");
        assertThat(snaps).containsKey("market-0");
        assertThat(seen.get()).isEqualTo(10);
        assertThat(snaps.get("market-0").get("offset").asLong()).as("the snapshot's offset: the 9 records delivered (0..8), "
                + "not the 10th, which failed").isEqualTo(8);
        assertThat(snaps.get("market-0").get("dedupe").get(SYM).asLong()).isEqualTo(9 * 64L + 1);
    }

    private static Map<String, JsonNode> changelog(String kafka, String topic) throws Exception {
        java.util.Properties c = new java.util.Properties();
        c.put("bootstrap.servers", kafka);
        c.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        c.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        Map<String, JsonNode> out = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> cons = new KafkaConsumer<>(c)) {
            List<TopicPartition> parts = cons.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            cons.assign(parts);
            cons.seekToBeginning(parts);
            Map<TopicPartition, Long> end = cons.endOffsets(parts);
            long until = System.nanoTime() + 30_000_000_000L;
            while (parts.stream().anyMatch(tp -> cons.position(tp) < end.get(tp)) && System.nanoTime() < until) {
                for (var r : cons.poll(Duration.ofMillis(200))) {
                    out.put(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), JSON.readTree(r.value()));
                }
            }
        }
        return out;
    }

    private static ClusterBus.Node node(String runId, String kafka, String id, String role, boolean source, Set<String> produced,
            Set<String> inbound, java.util.function.Consumer<String> onDeliver, java.util.function.Consumer<String> onStop) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("cluster.kafka", kafka);
        cfg.put("cluster.partitions", 1);
        cfg.put("cluster.snapshot_interval_ms", 0); // only the snapshot of the revoked partition
        return new ClusterBus.Node() {
            public String runId() { return runId; }
            public String nodeId() { return id; }
            public String role() { return role; }
            public Settings config() { return new Settings(cfg); }
            public List<String> symbols() { return List.of(SYM); }
            public double pace() { return 1; }
            public boolean source() { return source; }
            public Set<String> produced() { return produced; }
            public Set<String> inbound() { return inbound; }
            public void deliver(String topic, long seq, long timeNanos, Object payload) {
                onDeliver.accept(topic);
            }
            public boolean quiet() { return true; }
            public void requestStop(String reason) {
                if (onStop != null) {
                    onStop.accept(reason);
                }
            }
            public Map<String, Map<String, byte[]>> snapshotSymbols(Map<String, Set<String>> groups) {
                Map<String, Map<String, byte[]>> out = new LinkedHashMap<>();
                groups.keySet().forEach(g -> out.put(g, Map.of("scan", new byte[0])));
                return out;
            }
        };
    }
}
