package io.soak.transport.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.stage.Settings;
import io.soak.engine.ClusterBus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link ClusterBus} on Apache Kafka (docs/scale-out.md).
 *
 * <ul>
 *   <li>Topics of the run: {@code soak.<runId>.<topic>} for every pipeline topic this node produces or consumes
 *       ({@code cluster.partitions}, default 6), and {@code soak.<runId>.control} (one partition): the run's start
 *       on the engine clock, the nodes that joined, what each finished.</li>
 *   <li>Producer: idempotent, {@code acks=all}; key = the payload's symbol, so one symbol's events stay ordered on
 *       one partition; the engine's seq in a header.</li>
 *   <li>Consumer (the topics this node consumes but does not produce): group {@code soak.<runId>.<role>}, so the
 *       nodes of one role share the partitions; offsets are not committed: a partition new to this node is restored
 *       from its latest snapshot in the changelog and read on from the snapshot's offset, or, without one, read
 *       from its first offset (the state of its symbols is rebuilt by replay, deterministically); one it had before
 *       from where this node left it. Records at or below the highest seq already delivered for their
 *       (topic, symbol) are the replay of a node that died and are dropped, so every event is delivered once.</li>
 *   <li>Changelog {@code soak.<runId>.changelog.<role>} (compacted, key {@code <topic>-<partition>}): every
 *       {@code cluster.snapshot_interval_ms} and when a partition is revoked gracefully, once the stages are quiet
 *       and the producer flushed, the offset delivered up to, the dedupe state and the stages' per-symbol state
 *       of each owned partition.</li>
 *   <li>End: a node is done with its partitions when every role producing its inputs is done, it has read them
 *       to their end and its stages are quiet; it says so on the control topic and stops once its role has
 *       covered every partition (a peer that died leaves its partitions to the others).</li>
 * </ul>
 */
final class KafkaBus implements ClusterBus {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBus.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHANGELOG_MAX_BYTES = 16 * 1024 * 1024;

    private final Node node;
    private final Settings cfg;
    private final String bootstrap;
    private final int partitions;
    private final String prefix;
    private final String control;
    private final String group;
    private final Codec codec = new Codec();
    private final Map<String, Integer> symbolIndex = new HashMap<>();
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;

    // control topic state (written by the control reader thread)
    private final ControlState state = new ControlState();
    private volatile Thread controlThread;
    private volatile boolean running = true;

    // inbound
    private volatile Thread inboundThread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean inboundRunning;
    private final Map<TopicPartition, Long> deliveredOffset = new ConcurrentHashMap<>();
    private final Map<String, Long> highestSeq = new HashMap<>(); // inbound thread only
    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private final Set<TopicPartition> announced = ConcurrentHashMap.newKeySet();
    private volatile Map<TopicPartition, Long> endOffsets;
    private volatile boolean stopAsked;

    // changelog (per-partition snapshots; inbound thread only unless said otherwise)
    private final String changelog; // null: this node consumes nothing from the cluster
    private final long snapshotIntervalMs;
    private final Map<TopicPartition, Set<String>> symbolsOf = new HashMap<>(); // symbols (keys) delivered per partition
    private final Map<TopicPartition, Long> snapshotOffset = new HashMap<>();  // offset of this node's last snapshot
    private KafkaConsumer<byte[], byte[]> changelogReader;
    private final Map<String, byte[]> changelogLatest = new HashMap<>();
    private volatile String noSnapshots; // why this node takes no snapshots (a stage without per-symbol state)
    private long snapshotRound;
    private final AtomicLong snapshotsWritten = new AtomicLong();
    private final AtomicLong snapshotRounds = new AtomicLong();
    private final AtomicLong snapshotBytes = new AtomicLong();
    private final AtomicLong snapshotsSkipped = new AtomicLong();
    private final AtomicReference<String> lastSkip = new AtomicReference<>("");
    private final List<Map<String, Object>> restores = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Partitions catching up after an assignment: end offset at the assignment, when, its restore and takeover entries. */
    private final Map<TopicPartition, CatchUp> catching = new HashMap<>();

    private record CatchUp(long end, long assignedMs, Map<String, Object> restore, Map<String, Object> takeover) {
    }

    // figures
    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> delivered = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> duplicates = new ConcurrentHashMap<>();
    /** Data records read that could not be delivered (no seq or type header, undecodable): events lost here. */
    private final AtomicLong badRecords = new AtomicLong();
    /** Control and changelog records that could not be read (ignored; a snapshot not read means a replay). */
    private final AtomicLong badControl = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicReference<String> lastSendError = new AtomicReference<>("");
    private final List<Map<String, Object>> assignments = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Map<String, Object>> takeovers = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile String endedBy = "";

    KafkaBus(Node node) {
        this.node = node;
        this.cfg = node.config();
        this.bootstrap = cfg.string("cluster.kafka", "").trim();
        this.partitions = (int) cfg.integer("cluster.partitions", 6);
        this.prefix = "soak." + node.runId() + ".";
        this.control = prefix + "control";
        this.group = prefix + node.role();
        this.changelog = node.inbound().isEmpty() ? null : prefix + "changelog." + node.role().replaceAll("[^A-Za-z0-9._-]", "_");
        this.snapshotIntervalMs = cfg.integer("cluster.snapshot_interval_ms", 5000);
        List<String> syms = node.symbols();
        for (int i = 0; i < syms.size(); i++) {
            symbolIndex.putIfAbsent(syms.get(i).toUpperCase(java.util.Locale.ROOT), i);
        }
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, "soak-" + node.nodeId() + "-admin");
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        this.admin = Admin.create(a);
        try {
            createTopics();
        } catch (RuntimeException e) {
            admin.close(Duration.ofSeconds(5));
            throw e;
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "soak-" + node.nodeId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) cfg.integer("cluster.linger_ms", 5));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, cfg.string("cluster.compression", "lz4"));
        // no call waits without a bound: a send for the broker's metadata or buffer space, a record (and the end's
        // flush) for its acknowledgement; what fails is counted in send_errors
        int delivery = (int) cfg.integer("cluster.delivery_timeout_ms", 30_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) cfg.integer("cluster.max_block_ms", 30_000));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, Math.min(15_000, delivery / 2)));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, CHANGELOG_MAX_BYTES); // a snapshot of many symbols' state
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        startControlReader();
    }

    String topicName(String topic) {
        return prefix + topic;
    }

    private void createTopics() {
        Set<String> all = new TreeSet<>(node.produced());
        all.addAll(node.inbound());
        List<NewTopic> topics = new ArrayList<>();
        short rf = (short) cfg.integer("cluster.replication", 1);
        for (String t : all) {
            topics.add(new NewTopic(topicName(t), partitions, rf));
        }
        topics.add(new NewTopic(control, 1, rf));
        if (changelog != null) {
            // compacted: the latest snapshot per key ("topic-partition") is what a node taking a partition reads
            topics.add(new NewTopic(changelog, partitions, rf).configs(Map.of("cleanup.policy", "compact",
                    "max.message.bytes", String.valueOf(CHANGELOG_MAX_BYTES + 1024), "segment.ms", "60000",
                    "min.cleanable.dirty.ratio", "0.1")));
        }
        for (var e : admin.createTopics(topics).values().entrySet()) {
            try {
                e.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create Kafka topic " + e.getKey() + " at " + bootstrap + ": "
                            + ex.getCause().getMessage(), ex.getCause());
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating Kafka topics");
            } catch (java.util.concurrent.TimeoutException ex) {
                throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 30 s (creating " + e.getKey() + ")");
            }
        }
        awaitServed(topics.stream().map(NewTopic::name).toList(), 30_000);
    }

    /**
     * Waits until every partition of {@code names} is served by its leader (it answers ListOffsets), at most
     * {@code timeoutMs}. The controller acknowledges a new topic before the broker set its partitions up; a
     * produce request that reaches a partition then fails (NOT_LEADER_OR_FOLLOWER) while the producer's next
     * request for it is appended, and every retry of the first fails with OUT_OF_ORDER_SEQUENCE_NUMBER until
     * delivery.timeout.ms drops its records (KAFKA-15591): records lost despite idempotence and acks=all. Sending
     * only to served partitions closes that window (FreshTopicSendTest).
     */
    private void awaitServed(List<String> names, long timeoutMs) {
        long until = System.nanoTime() + timeoutMs * 1_000_000L;
        String last = "";
        while (true) {
            long left = Math.max(1, (until - System.nanoTime()) / 1_000_000L);
            try {
                Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> q = new HashMap<>();
                for (var d : admin.describeTopics(names).allTopicNames().get(left, TimeUnit.MILLISECONDS).values()) {
                    for (var p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            throw new IllegalStateException(d.name() + "-" + p.partition() + " has no leader yet");
                        }
                        q.put(new TopicPartition(d.name(), p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
                    }
                }
                admin.listOffsets(q).all().get(left, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                last = String.valueOf(e.getCause());
            } catch (IllegalStateException | java.util.concurrent.TimeoutException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the Kafka topics to be served");
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the run's Kafka topics at " + bootstrap + " were not served by their leaders within "
                        + timeoutMs / 1000 + " s (" + last + ")");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }

    // =========================================================================================== control topic

    private long sendControl(Map<String, Object> m) {
        Map<String, Object> v = new LinkedHashMap<>(m);
        v.put("node", node.nodeId());
        v.put("role", node.role());
        v.put("wall", Instant.now().toString());
        try {
            return producer.send(new ProducerRecord<>(control, 0, null, JSON.writeValueAsBytes(v))).get(30, TimeUnit.SECONDS)
                    .offset();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + control + ": " + e.getMessage(), e);
        }
    }

    private void startControlReader() {
        Thread t = new Thread(this::readControl, "soak-kafka-control");
        t.setDaemon(true);
        controlThread = t;
        t.start();
    }

    private void readControl() {
        Properties c = consumerProps();
        try (KafkaConsumer<byte[], byte[]> cons = new KafkaConsumer<>(c)) {
            TopicPartition tp = new TopicPartition(control, 0);
            cons.assign(List.of(tp));
            cons.seekToBeginning(List.of(tp));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : cons.poll(Duration.ofMillis(200))) {
                    try {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = JSON.readValue(r.value(), Map.class);
                        state.apply(m);
                    } catch (Exception e) {
                        badControl.incrementAndGet();
                    }
                    state.applied(r.offset());
                }
            }
        } catch (WakeupException | org.apache.kafka.common.errors.InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("control topic reader stopped: {}", e.toString());
            }
        }
    }

    @Override
    public void announceStart(long startNanos, long wallEpochNanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "start");
        m.put("start_nanos", startNanos);
        m.put("wall_nanos", wallEpochNanos);
        sendControl(m);
    }

    @Override
    public long[] awaitStart(Duration timeout) throws Exception {
        long[] s = state.awaitStart(timeout.toMillis());
        if (s == null) {
            throw new IllegalStateException("no source node announced the run's start on " + control + " within "
                    + timeout.toSeconds() + " s (start the node that reads the feed)");
        }
        return s;
    }

    // =========================================================================================== start, send

    @Override
    public void start() {
        Map<String, Object> join = new LinkedHashMap<>();
        join.put("type", "join");
        join.put("source", node.source());
        join.put("produces", new TreeSet<>(node.produced()));
        join.put("inbound", new TreeSet<>(node.inbound()));
        sendControl(join);
        if (node.inbound().isEmpty()) {
            return;
        }
        inboundRunning = true;
        Thread t = new Thread(this::inboundLoop, "soak-kafka-inbound");
        t.setDaemon(true);
        inboundThread = t;
        t.start();
    }

    @Override
    public void send(String topic, long seq, long timeNanos, Object payload) {
        String sym = codec.symbol(payload);
        RecordHeaders h = new RecordHeaders();
        h.add(Codec.SEQ, Codec.longBytes(seq));
        h.add(Codec.TIME, Codec.longBytes(timeNanos));
        h.add(Codec.TYPE, Codec.utf8(payload.getClass().getName()));
        h.add(Codec.NODE, Codec.utf8(node.nodeId()));
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topicName(topic), partitionOf(sym),
                sym == null ? null : Codec.utf8(sym), codec.value(payload), h);
        producer.send(r, (md, ex) -> {
            if (ex != null) {
                sendErrors.incrementAndGet();
                lastSendError.set(topic + ": " + ex.getMessage());
            }
        });
        sent.computeIfAbsent(topic, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * A symbol of the plan's subscription goes to partition (its index mod partitions), so the symbols spread
     * evenly over the partitions (and so over the nodes of a role); any other symbol by the key's hash (null).
     */
    private Integer partitionOf(String symbol) {
        if (symbol == null) {
            return null;
        }
        Integer i = symbolIndex.get(symbol);
        return i == null ? null : i % partitions;
    }

    // =========================================================================================== inbound

    private Properties consumerProps() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "soak-" + node.nodeId() + "-" + Thread.currentThread().getName());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        return c;
    }

    private void inboundLoop() {
        Properties c = consumerProps();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // a node that dies (SIGKILL) is noticed after the session timeout; its partitions then move
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) cfg.integer("cluster.session_timeout_ms", 6000));
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) cfg.integer("cluster.heartbeat_ms", 1000));
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        List<String> topics = node.inbound().stream().map(this::topicName).sorted().toList();
        long lastCheck = 0;
        long lastSnapshot = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> cons = new KafkaConsumer<>(c)) {
            consumer = cons;
            cons.subscribe(topics, new Listener(cons));
            while (inboundRunning) {
                ConsumerRecords<byte[], byte[]> recs = cons.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    deliver(r);
                }
                if (!catching.isEmpty()) {
                    caughtUp(cons);
                }
                long now = System.nanoTime();
                if (snapshotIntervalMs > 0 && now - lastSnapshot >= snapshotIntervalMs * 1_000_000L && !stopAsked) {
                    lastSnapshot = now;
                    snapshot(cons.assignment(), "interval", 2000);
                }
                if (now - lastCheck > 200_000_000L) {
                    lastCheck = now;
                    progress(cons);
                }
            }
        } catch (WakeupException e) {
            // stopInbound
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Kafka inbound stopped: {}", e.toString(), e);
            endedBy = "inbound_failed: " + e;
            node.requestStop("cluster_inbound_failed");
        } finally {
            consumer = null;
            if (changelogReader != null) {
                changelogReader.close(Duration.ofSeconds(2));
                changelogReader = null;
            }
        }
    }

    private void deliver(ConsumerRecord<byte[], byte[]> r) throws InterruptedException {
        String topic = r.topic().substring(prefix.length());
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        long seq = Codec.longHeader(r.headers(), Codec.SEQ, -1);
        String type = Codec.stringHeader(r.headers(), Codec.TYPE);
        // the offset counts as delivered once the record is handled: handed to the stages, or skipped (bad or a
        // duplicate); a delivery that throws leaves it out, so no snapshot seals it as done (FailedDeliveryTest)
        if (seq < 0 || type == null) {
            badRecords.incrementAndGet();
            deliveredOffset.put(tp, r.offset());
            return;
        }
        String sym = r.key() == null ? "#" + r.partition() : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        symbolsOf.computeIfAbsent(tp, k -> new HashSet<>()).add(sym);
        String key = topic + '\u0000' + sym;
        Long high = highestSeq.get(key);
        if (high != null && seq <= high) {
            duplicates.computeIfAbsent(topic, k -> new AtomicLong()).incrementAndGet();
            deliveredOffset.put(tp, r.offset());
            return;
        }
        Object payload;
        try {
            payload = codec.decode(type, r.value());
        } catch (java.io.IOException e) {
            if (badRecords.incrementAndGet() <= 10) {
                LOG.warn("bad record {}@{}: {}", tp, r.offset(), e.getMessage());
            }
            deliveredOffset.put(tp, r.offset());
            return;
        }
        node.deliver(topic, seq, Codec.longHeader(r.headers(), Codec.TIME, 0), payload);
        deliveredOffset.put(tp, r.offset());
        highestSeq.put(key, seq);
        delivered.computeIfAbsent(topic, k -> new AtomicLong()).incrementAndGet();
    }

    /** Done with the owned partitions? Then say so; stop when this node's role covered every partition. */
    private void progress(KafkaConsumer<byte[], byte[]> cons) {
        if (endOffsets == null) {
            for (String t : node.inbound()) {
                if (!state.upstreamDone(t, this::partitionsOf)) {
                    return;
                }
            }
            List<TopicPartition> all = new ArrayList<>();
            for (String t : node.inbound()) {
                for (int p = 0; p < partitionsOf(t); p++) {
                    all.add(new TopicPartition(topicName(t), p));
                }
            }
            endOffsets = new HashMap<>(cons.endOffsets(all));
            LOG.info("node {}: every upstream role is done; reading to the end offsets", node.nodeId());
        }
        Set<TopicPartition> assignment = cons.assignment();
        for (TopicPartition tp : assignment) {
            if (cons.position(tp) < endOffsets.getOrDefault(tp, 0L)) {
                return;
            }
        }
        if (!node.quiet()) {
            return;
        }
        Set<TopicPartition> fresh = new HashSet<>(assignment);
        fresh.removeAll(announced);
        if (!fresh.isEmpty()) {
            producer.flush(); // every output of these partitions is in Kafka before we say so
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "done");
            m.put("partitions", byTopic(fresh));
            sendControl(m);
            announced.addAll(fresh);
        }
        if (!stopAsked && state.roleComplete(node.role(), this::partitionsOf)) {
            stopAsked = true;
            endedBy = "upstream_done";
            node.requestStop("upstream_done");
        }
    }

    private final Map<String, Integer> partitionCount = new ConcurrentHashMap<>();

    int partitionsOf(String topic) {
        return partitionCount.computeIfAbsent(topic, t -> {
            try {
                return admin.describeTopics(List.of(topicName(t))).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topicName(t)).partitions().size();
            } catch (Exception e) {
                return partitions;
            }
        });
    }

    private final class Listener implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> cons;

        Listener(KafkaConsumer<byte[], byte[]> cons) {
            this.cons = cons;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> parts) {
            if (parts.isEmpty()) {
                return;
            }
            long assignedMs = System.currentTimeMillis();
            Map<String, Object> ev = event("assigned", parts);
            assignments.add(ev);
            owned.addAll(parts);
            Map<String, String> previous = previousOwners(parts);
            Map<String, Map<String, Object>> snaps = latestSnapshots(parts);
            Map<TopicPartition, Long> ends = cons.endOffsets(parts);
            List<TopicPartition> fromStart = new ArrayList<>();
            Map<String, Object> takenFrom = new TreeMap<>();
            List<Map<String, Object>> batch = new ArrayList<>();
            for (TopicPartition tp : parts) {
                String name = name(tp);
                Long d = deliveredOffset.get(tp);
                Map<String, Object> snap = snaps.get(name);
                long snapOffset = snap == null ? -1 : ((Number) snap.get("offset")).longValue();
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("partition", name);
                rec.put("at", ev.get("at"));
                long start;
                String why = null;
                if (snap != null && (d == null || snapOffset > d)) {
                    why = restore(tp, snap);
                }
                if (snap != null && (d == null || snapOffset > d) && why == null) {
                    start = snapOffset + 1;
                    cons.seek(tp, start);
                    deliveredOffset.put(tp, snapOffset);
                    rec.put("from", "snapshot");
                    rec.put("offset", snapOffset);
                    rec.put("snapshot_by", snap.get("node"));
                    rec.put("snapshot_at", snap.get("at"));
                    if (!node.nodeId().equals(snap.get("node"))) {
                        previous.putIfAbsent(name, String.valueOf(snap.get("node")));
                    }
                } else if (d != null) {
                    start = d + 1;
                    cons.seek(tp, start);
                    rec.put("from", "resume"); // this node had it before and keeps its own state of it
                    rec.put("offset", d);
                } else {
                    start = 0;
                    fromStart.add(tp);
                    rec.put("from", "replay");
                    rec.put("offset", -1);
                }
                if (why != null || snap == null && d == null) {
                    rec.put("reason", why != null ? why : "no snapshot of this partition");
                }
                long end = ends.getOrDefault(tp, 0L);
                rec.put("end_offset", end);
                rec.put("records_replayed", Math.max(0, end - start));
                String prev = previous.get(name);
                if (prev != null) {
                    rec.put("previous_owner", prev);
                    takenFrom.put(name, prev);
                }
                restores.add(rec);
                batch.add(rec);
            }
            if (!fromStart.isEmpty()) {
                cons.seekToBeginning(fromStart);
            }
            Map<String, Object> takeover = null;
            if (!takenFrom.isEmpty()) {
                // a takeover: partitions another node owned before (its "owns" record, or its snapshot)
                takeover = new LinkedHashMap<>(ev);
                takeover.put("assigned", new ArrayList<>(takenFrom.keySet()));
                takeover.put("from", takenFrom);
                takeover.put("records_replayed", batch.stream().filter(r -> takenFrom.containsKey(r.get("partition")))
                        .mapToLong(r -> ((Number) r.get("records_replayed")).longValue()).sum());
                takeovers.add(takeover);
                LOG.info("node {} took over {} ({})", node.nodeId(), takenFrom, batch);
            }
            for (int i = 0; i < batch.size(); i++) {
                TopicPartition tp = null;
                for (TopicPartition t : parts) {
                    if (name(t).equals(batch.get(i).get("partition"))) {
                        tp = t;
                    }
                }
                Map<String, Object> rec = batch.get(i);
                catching.put(tp, new CatchUp(((Number) rec.get("end_offset")).longValue(), assignedMs, rec,
                        takenFrom.containsKey(rec.get("partition")) ? takeover : null));
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> parts) {
            if (!parts.isEmpty()) {
                if (!stopAsked) {
                    // handed over gracefully: the next owner starts from this node's state as of now
                    if (snapshot(parts, "revoked", 5000)) {
                        producer.flush();
                    }
                }
                owned.removeAll(parts);
                assignments.add(event("revoked", parts));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> parts) {
            if (!parts.isEmpty()) {
                owned.removeAll(parts);
                assignments.add(event("lost", parts));
            }
        }
    }

    /** {@code parts} as the control topic's records name them: pipeline topic → partition numbers. */
    private Map<String, List<Integer>> byTopic(Collection<TopicPartition> parts) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (TopicPartition tp : parts) {
            out.computeIfAbsent(tp.topic().substring(prefix.length()), k -> new ArrayList<>()).add(tp.partition());
        }
        return out;
    }

    /** "Owns" on the control topic, read back: who owned each of {@code parts} before this node ("topic-p" → node). */
    private Map<String, String> previousOwners(Collection<TopicPartition> parts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "owns");
        m.put("partitions", byTopic(parts));
        Map<String, String> out = new HashMap<>();
        try {
            long at = sendControl(m);
            if (!state.awaitApplied(at, 10_000)) {
                LOG.warn("node {}: the control topic was not read up to this assignment within 10 s", node.nodeId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        } catch (RuntimeException e) {
            LOG.warn("node {}: cannot record the assignment on the control topic: {}", node.nodeId(), e.getMessage());
            return out;
        }
        for (TopicPartition tp : parts) {
            String prev = state.previousOwner(node.role(), name(tp), node.nodeId());
            if (prev != null) {
                out.put(name(tp), prev);
            }
        }
        return out;
    }

    // =========================================================================================== changelog

    /**
     * Writes a snapshot of each of {@code parts} to the changelog (inbound thread, nothing delivered meanwhile):
     * waits until the local stages are quiet (every delivered event handled and its emissions handed to the
     * producer), flushes the producer (every output of those events acknowledged by Kafka), then takes the
     * stages' state of each partition's symbols on their runners and sends {offset, dedupe state, stage state}.
     * False (counted, with why) when it could not; the previous snapshot then stays the partition's latest.
     */
    private boolean snapshot(Collection<TopicPartition> parts, String why, long quietWaitMs) {
        if (changelog == null || noSnapshots != null || parts.isEmpty()) {
            return false;
        }
        List<TopicPartition> todo = new ArrayList<>();
        for (TopicPartition tp : parts) {
            Long d = deliveredOffset.get(tp);
            if (d != null && !d.equals(snapshotOffset.get(tp))) {
                todo.add(tp);
            }
        }
        if (todo.isEmpty()) {
            return true;
        }
        long until = System.nanoTime() + quietWaitMs * 1_000_000L;
        while (!node.quiet()) {
            if (System.nanoTime() > until) {
                return skipped("stages not quiet within " + quietWaitMs + " ms (" + why + ")");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        try {
            producer.flush();
        } catch (RuntimeException e) {
            return skipped("flush failed: " + e.getMessage());
        }
        if (sendErrors.get() > 0) {
            return skipped("a send failed (" + lastSendError.get() + "): no snapshot may seal a lost output");
        }
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        for (TopicPartition tp : todo) {
            groups.put(name(tp), symbolsForState(tp));
        }
        Map<String, Map<String, byte[]>> states;
        try {
            states = node.snapshotSymbols(groups);
        } catch (UnsupportedOperationException e) {
            noSnapshots = e.getMessage();
            LOG.info("node {} takes no snapshots: {}; a partition it leaves is replayed from its start", node.nodeId(),
                    e.getMessage());
            return false;
        } catch (RuntimeException e) {
            return skipped(e.getMessage());
        }
        long round = ++snapshotRound;
        String at = Instant.now().toString();
        for (TopicPartition tp : todo) {
            long offset = deliveredOffset.get(tp);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("v", 1);
            v.put("node", node.nodeId());
            v.put("round", round);
            v.put("why", why);
            v.put("at", at);
            v.put("partition", name(tp));
            v.put("offset", offset);
            String topic = tp.topic().substring(prefix.length());
            Map<String, Long> dedupe = new TreeMap<>();
            for (String sym : symbolsOf.getOrDefault(tp, Set.of())) {
                Long h = highestSeq.get(topic + '\u0000' + sym);
                if (h != null) {
                    dedupe.put(sym, h);
                }
            }
            v.put("dedupe", dedupe);
            v.put("symbols", new TreeSet<>(groups.get(name(tp))));
            Map<String, String> st = new TreeMap<>();
            states.get(name(tp)).forEach((stage, b) -> st.put(stage, java.util.Base64.getEncoder().encodeToString(b)));
            v.put("stages", st);
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(v);
            } catch (java.io.IOException e) {
                return skipped("cannot encode a snapshot: " + e.getMessage());
            }
            producer.send(new ProducerRecord<>(changelog, tp.partition() % partitionsOfChangelog(), Codec.utf8(name(tp)), bytes),
                    (md, ex) -> {
                        if (ex != null) {
                            snapshotsSkipped.incrementAndGet();
                            lastSkip.set("snapshot of " + name(tp) + " not written: " + ex.getMessage());
                        }
                    });
            snapshotOffset.put(tp, offset);
            snapshotsWritten.incrementAndGet();
            snapshotBytes.addAndGet(bytes.length);
        }
        snapshotRounds.incrementAndGet();
        return true;
    }

    private boolean skipped(String why) {
        snapshotsSkipped.incrementAndGet();
        lastSkip.set(why);
        LOG.debug("node {}: snapshot skipped: {}", node.nodeId(), why);
        return false;
    }

    private int partitionsOfChangelog() {
        return partitions;
    }

    /** The symbols whose stage state a snapshot of {@code tp} holds: delivered from it, or placed on it by the plan. */
    private Set<String> symbolsForState(TopicPartition tp) {
        Set<String> out = new TreeSet<>();
        for (String sym : symbolsOf.getOrDefault(tp, Set.of())) {
            if (!sym.startsWith("#")) {
                out.add(sym);
            }
        }
        int n = partitionsOf(tp.topic().substring(prefix.length()));
        symbolIndex.forEach((sym, i) -> {
            if (i % n == tp.partition()) {
                out.add(sym);
            }
        });
        return out;
    }

    /**
     * Restores {@code tp} from its snapshot: the stages' state of its symbols and the dedupe state. Null when
     * done; otherwise why not (nothing was changed, except in the rare case a stage failed half-way).
     */
    @SuppressWarnings("unchecked")
    private String restore(TopicPartition tp, Map<String, Object> snap) {
        if (noSnapshots != null) {
            return noSnapshots;
        }
        try {
            Set<String> symbols = new TreeSet<>((List<String>) snap.get("symbols"));
            Map<String, byte[]> states = new LinkedHashMap<>();
            ((Map<String, String>) snap.get("stages")).forEach((k, v) -> states.put(k, java.util.Base64.getDecoder().decode(v)));
            node.restoreSymbols(symbols, states);
            String topic = tp.topic().substring(prefix.length());
            Set<String> syms = symbolsOf.computeIfAbsent(tp, k -> new HashSet<>());
            for (String sym : syms) {
                highestSeq.remove(topic + '\u0000' + sym);
            }
            ((Map<String, Object>) snap.get("dedupe")).forEach((sym, seq) -> {
                highestSeq.put(topic + '\u0000' + sym, ((Number) seq).longValue());
                syms.add(sym);
            });
            snapshotOffset.put(tp, ((Number) snap.get("offset")).longValue());
            return null;
        } catch (UnsupportedOperationException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            LOG.warn("node {}: snapshot of {} not restored: {}", node.nodeId(), name(tp), e.toString());
            return "not restored: " + e.getMessage();
        }
    }

    /** The latest changelog record of each of {@code parts} ("topic-p" → decoded value), read up to the end. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> latestSnapshots(Collection<TopicPartition> parts) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        if (changelog == null) {
            return out;
        }
        try {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitionsOfChangelog(); p++) {
                all.add(new TopicPartition(changelog, p));
            }
            if (changelogReader == null) {
                Properties c = consumerProps();
                c.put(ConsumerConfig.CLIENT_ID_CONFIG, "soak-" + node.nodeId() + "-changelog");
                c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, CHANGELOG_MAX_BYTES + 1024);
                changelogReader = new KafkaConsumer<>(c);
                changelogReader.assign(all);
                changelogReader.seekToBeginning(all);
            }
            Map<TopicPartition, Long> end = changelogReader.endOffsets(all);
            long until = System.nanoTime() + 30_000_000_000L;
            while (all.stream().anyMatch(tp -> changelogReader.position(tp) < end.getOrDefault(tp, 0L))) {
                for (ConsumerRecord<byte[], byte[]> r : changelogReader.poll(Duration.ofMillis(100))) {
                    String k = r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    if (r.value() == null) {
                        changelogLatest.remove(k);
                    } else {
                        changelogLatest.put(k, r.value());
                    }
                }
                if (System.nanoTime() > until) {
                    LOG.warn("node {}: the changelog {} was not read to its end within 30 s", node.nodeId(), changelog);
                    break;
                }
            }
            for (TopicPartition tp : parts) {
                byte[] v = changelogLatest.get(name(tp));
                if (v != null) {
                    try {
                        out.put(name(tp), JSON.readValue(v, Map.class));
                    } catch (java.io.IOException e) {
                        badControl.incrementAndGet(); // the partition is then replayed: nothing is lost
                    }
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof WakeupException) {
                throw e;
            }
            LOG.warn("node {}: cannot read the changelog {}: {}; replaying", node.nodeId(), changelog, e.toString());
        }
        return out;
    }

    /** Partitions that reached the end offset seen at their assignment: their catch-up time. */
    private void caughtUp(KafkaConsumer<byte[], byte[]> cons) {
        long now = System.currentTimeMillis();
        Set<TopicPartition> assigned = cons.assignment();
        for (var it = catching.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            TopicPartition tp = e.getKey();
            CatchUp c = e.getValue();
            if (!assigned.contains(tp)) {
                it.remove();
                continue;
            }
            if (cons.position(tp) < c.end()) {
                continue;
            }
            it.remove();
            long ms = now - c.assignedMs();
            synchronized (restores) {
                c.restore().put("catch_up_ms", ms);
            }
            if (c.takeover() != null) {
                synchronized (takeovers) {
                    Object was = c.takeover().get("catch_up_ms");
                    c.takeover().put("catch_up_ms", was instanceof Number n ? Math.max(n.longValue(), ms) : ms);
                }
            }
        }
    }

    private Map<String, Object> event(String what, Collection<TopicPartition> parts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", Instant.now().toString());
        m.put("at_epoch_ms", System.currentTimeMillis());
        m.put(what, names(parts));
        return m;
    }

    private String name(TopicPartition tp) {
        return tp.topic().substring(prefix.length()) + "-" + tp.partition();
    }

    private List<String> names(Collection<TopicPartition> parts) {
        return parts.stream().map(tp -> tp.topic().substring(prefix.length()) + "-" + tp.partition()).sorted().toList();
    }

    // =========================================================================================== stop

    @Override
    public void stopInbound() {
        inboundRunning = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = inboundThread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void finish() {
        producer.flush();
        if (node.source()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "done");
            m.put("source", true);
            sendControl(m);
        }
    }

    @Override
    public void close() {
        stopInbound();
        running = false;
        try {
            producer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            LOG.warn("closing the Kafka producer: {}", e.toString());
        }
        Thread t = controlThread;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        admin.close(Duration.ofSeconds(5));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transport", "kafka");
        m.put("bootstrap", bootstrap);
        m.put("node", node.nodeId());
        m.put("role", node.role());
        m.put("group", node.inbound().isEmpty() ? "" : group);
        m.put("source", node.source());
        m.put("partitions", partitions);
        m.put("produces", new TreeSet<>(node.produced()));
        m.put("inbound", new TreeSet<>(node.inbound()));
        m.put("sent", counts(sent));
        m.put("delivered", counts(delivered));
        m.put("duplicates_dropped", counts(duplicates));
        m.put("bad_records", badRecords.get());
        m.put("bad_control_records", badControl.get());
        m.put("send_errors", sendErrors.get());
        if (!lastSendError.get().isEmpty()) {
            m.put("last_send_error", lastSendError.get());
        }
        m.put("owned", names(owned));
        m.put("announced_done", names(announced));
        synchronized (assignments) {
            m.put("assignments", new ArrayList<>(assignments));
        }
        synchronized (takeovers) {
            m.put("takeovers", takeovers.stream().map(LinkedHashMap::new).toList());
        }
        synchronized (restores) {
            m.put("restores", restores.stream().map(LinkedHashMap::new).toList());
        }
        if (changelog != null) {
            Map<String, Object> cl = new LinkedHashMap<>();
            cl.put("topic", changelog);
            cl.put("interval_ms", snapshotIntervalMs);
            cl.put("enabled", noSnapshots == null);
            if (noSnapshots != null) {
                cl.put("disabled_because", noSnapshots);
            }
            cl.put("rounds", snapshotRounds.get());
            cl.put("written", snapshotsWritten.get());
            cl.put("bytes", snapshotBytes.get());
            cl.put("skipped", snapshotsSkipped.get());
            if (!lastSkip.get().isEmpty()) {
                cl.put("last_skip", lastSkip.get());
            }
            m.put("changelog", cl);
        }
        m.put("nodes", state.nodes());
        m.put("ended_by", endedBy);
        return m;
    }

    private static Map<String, Object> counts(Map<String, AtomicLong> c) {
        Map<String, Object> m = new TreeMap<>();
        c.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
