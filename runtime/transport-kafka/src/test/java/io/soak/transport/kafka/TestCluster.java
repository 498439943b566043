package io.soak.transport.kafka;

import io.soak.api.market.Trade;
import io.soak.api.plan.Criterion;
import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.Mode;
import io.soak.api.plan.Pace;
import io.soak.api.plan.RestartPolicy;
import io.soak.api.plan.ScenarioPlan;
import io.soak.api.plan.SourceSpec;
import io.soak.api.plan.TimeseriesSpec;
import io.soak.api.signal.Decision;
import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageFactory;
import io.soak.api.stage.Topics;
import io.soak.engine.Registry;
import io.soak.teststages.internal.CounterReplayFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * A small pipeline for the cluster tests: counter feed → {@code tick} (raw → market: a {@link Trade} of one of
 * three symbols) → {@code scan} (market → decision: per-symbol state, the decision's score is how many trades of
 * its symbol the stage has seen, so lost state shows) → {@code tally} (decision, no output), rows of decisions
 * into the in-memory sink {@code mem}.
 */
final class TestCluster {

    static final String[] SYMBOLS = {"AAAUSDT", "BBBUSDT", "CCCUSDT"};

    private TestCluster() {
    }

    /** The broker from scripts/services.sh (target/services.env), or the test is skipped. */
    static String bootstrap() {
        String v = io.soak.testing.fakes.ServicesEnv.kafkaBootstrap();
        ready(v);
        return v;
    }

    private static volatile String readyAt;

    /**
     * The broker answers the port before it serves a new topic: once per JVM, a topic is created, a record
     * produced (idempotent, acks=all, as the bus does) and read back, so a broker that is not ready yet fails
     * here, with what it said, rather than as a node that never finishes.
     */
    static synchronized void ready(String bootstrap) {
        if (bootstrap.equals(readyAt)) {
            return;
        }
        long t0 = System.nanoTime();
        String topic = "soak.probe." + Long.toHexString(System.nanoTime());
        java.util.Properties a = new java.util.Properties();
        a.put("bootstrap.servers", bootstrap);
        a.put("default.api.timeout.ms", 60_000);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(a)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all()
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
            java.util.Properties p = new java.util.Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("enable.idempotence", true);
            p.put("acks", "all");
            p.put("max.block.ms", 60_000);
            p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
            p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p)) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, null, new byte[] {1}))
                        .get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            java.util.Properties c = new java.util.Properties();
            c.put("bootstrap.servers", bootstrap);
            c.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
            c.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(c)) {
                var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long until = System.nanoTime() + 60_000_000_000L;
                while (consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("the probe record was not read back within 60 s");
                    }
                }
            }
            admin.deleteTopics(List.of(topic));
        } catch (Exception e) {
            throw new AssertionError("Kafka at " + bootstrap + " is not ready (create a topic, produce, read back): " + e, e);
        }
        System.out.printf("kafka %s ready (probe topic created, written and read) in %d ms%n", bootstrap,
                (System.nanoTime() - t0) / 1_000_000);
        readyAt = bootstrap;
    }

    /**
     * The node's outcome within {@code timeout}; when it is not there, the failure names what the node threads
     * and the Kafka client threads are doing (the whole dump goes to standard output).
     */
    static <T> T outcome(java.util.concurrent.CompletableFuture<T> f, String name, Duration timeout) throws Exception {
        try {
            return f.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            StringBuilder brief = new StringBuilder();
            StringBuilder dump = new StringBuilder();
            for (var en : Thread.getAllStackTraces().entrySet()) {
                String tn = en.getKey().getName();
                if (!(tn.startsWith("node-") || tn.startsWith("soak-") || tn.startsWith("kafka-") || tn.contains("stage"))) {
                    continue;
                }
                dump.append('"').append(tn).append("\" ").append(en.getKey().getState()).append('\n');
                int shown = 0;
                for (StackTraceElement st : en.getValue()) {
                    dump.append("    at ").append(st).append('\n');
                    if (tn.startsWith("node-" + name) && shown < 4 && (st.getClassName().startsWith("io.soak")
                            || st.getClassName().startsWith("org.apache.kafka"))) {
                        brief.append(shown == 0 ? "" : " < ").append(st.getClassName().replaceAll(".*\\.", ""))
                                .append('.').append(st.getMethodName()).append(':').append(st.getLineNumber());
                        shown++;
                    }
                }
            }
            System.out.println("node " + name + " did not finish within " + timeout.toMillis() + " ms; threads:\n" + dump);
            throw new AssertionError("node " + name + " did not finish within " + timeout.toMillis() + " ms; it is at "
                    + (brief.length() == 0 ? "(its thread ended)" : brief), e);
        }
    }

    static ScenarioPlan plan(String name, long count, double rate, double pace, List<String> sinks, Map<String, Object> config) {
        Map<String, Object> s = new TreeMap<>();
        s.put("rate", rate);
        s.put("count", count);
        SourceSpec source = new SourceSpec("counter", List.of(SYMBOLS), List.of("aggTrade"), "", List.of(), false,
                Map.of(), Map.of(), s);
        RestartPolicy policy = new RestartPolicy(Duration.ofMillis(200), 2.0, Duration.ofSeconds(2), 5,
                Duration.ofMinutes(10), Duration.ofSeconds(10));
        return new ScenarioPlan(name, "<test>", "0".repeat(64), Mode.REPLAY, new Pace(false, pace), 7,
                Duration.ofMinutes(10), source, List.of("tick", "scan", "tally"), sinks, Duration.ofSeconds(1), policy,
                TimeseriesSpec.file(), List.of(), List.<FaultSpec>of(), List.<Criterion>of(), config, "UTC");
    }

    static Registry registry(MemSink sink) {
        Registry r = new Registry();
        r.addStage(factory("tick", Set.of(Topics.RAW), Set.of(Topics.MARKET), Tick::new));
        r.addStage(factory("scan", Set.of(Topics.MARKET), Set.of(Topics.DECISION), Scan::new));
        r.addStage(factory("tally", Set.of(Topics.DECISION), Set.of(), Tally::new));
        r.addReplay(new CounterReplayFactory());
        if (sink != null) {
            r.addSink(sink);
        }
        return r;
    }

    private static StageFactory factory(String kind, Set<String> in, Set<String> out, java.util.function.Supplier<Stage> s) {
        return new StageFactory() {
            public String kind() { return kind; }
            public Set<String> inputs() { return in; }
            public Set<String> outputs() { return out; }
            public Stage create() { return s.get(); }
        };
    }

    /** raw "n" → a trade of SYMBOLS[n % 3] with trade id n. */
    static final class Tick implements Stage {
        private StageContext ctx;

        public void start(StageContext c) {
            ctx = c;
        }

        public void handle(Envelope e) {
            RawMessage m = (RawMessage) e.payload();
            long n = Long.parseLong(m.text().trim());
            String sym = SYMBOLS[(int) (n % SYMBOLS.length)];
            long ms = m.receivedNanos() / 1_000_000L;
            ctx.emit(Topics.MARKET, new Trade(sym, sym.toLowerCase() + "@aggTrade", n, 100.0 + n % 7, 1.0, false, ms, ms,
                    m.receivedNanos()));
        }
    }

    /**
     * A decision per trade; its score is the count of trades of its symbol seen so far, zOfi the trade id. Its
     * per-symbol state (the counts) moves with a partition through the changelog.
     */
    static final class Scan implements Stage, io.soak.api.stage.PerSymbolState {
        private StageContext ctx;
        private final Map<String, long[]> seen = new HashMap<>();

        public void start(StageContext c) {
            ctx = c;
        }

        public void handle(Envelope e) {
            Trade t = (Trade) e.payload();
            long n = ++seen.computeIfAbsent(t.symbol(), k -> new long[1])[0];
            ctx.emit(Topics.DECISION, new Decision(t.eventTimeMs(), t.symbol(), n, t.tradeId(), 0, 1, 0, 0, "calm", true,
                    "buy", List.of(), false));
        }

        public byte[] snapshotSymbols(Set<String> symbols) {
            StringBuilder b = new StringBuilder();
            for (String s : new java.util.TreeSet<>(symbols)) {
                long[] n = seen.get(s);
                if (n != null) {
                    b.append(s).append('=').append(n[0]).append('\n');
                }
            }
            return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        public void restoreSymbols(Set<String> symbols, byte[] state) {
            Map<String, long[]> read = new HashMap<>();
            for (String line : new String(state, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    int eq = line.indexOf('=');
                    read.put(line.substring(0, eq), new long[] {Long.parseLong(line.substring(eq + 1))});
                }
            }
            seen.keySet().removeAll(symbols);
            seen.putAll(read);
        }
    }

    /** Counts decisions (the sinks node's local consumer of the decision topic). */
    static final class Tally implements Stage {
        private StageContext ctx;

        public void start(StageContext c) {
            ctx = c;
        }

        public void handle(Envelope e) {
            ctx.metrics().increment("decisions");
        }
    }

    /** Rows keyed by (topic, seq), with how often each was written. */
    static final class MemSink implements SinkFactory {
        final Map<String, ConcurrentSkipListMap<Long, Row>> rows = new ConcurrentHashMap<>();

        public String type() {
            return "mem";
        }

        public Sink open(SinkContext context) {
            return new Sink() {
                public void write(List<Row> batch) {
                    for (Row r : batch) {
                        rows.computeIfAbsent(r.topic(), t -> new ConcurrentSkipListMap<>()).put(r.seq(), r);
                    }
                }

                public void commit() {
                }

                public void close() {
                }
            };
        }

        public Stream<Row> readBack(Path runDirectory) {
            return rows.values().stream().flatMap(m -> m.values().stream());
        }
    }
}
