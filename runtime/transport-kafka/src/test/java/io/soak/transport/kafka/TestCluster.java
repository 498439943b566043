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
import java.io.IOException;
import java.nio.file.Files;
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
import org.junit.jupiter.api.Assumptions;

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
        Path env = envFile();
        String v = null;
        if (env != null && Files.isRegularFile(env)) {
            try {
                for (String line : Files.readAllLines(env)) {
                    if (line.startsWith("SOAK_KAFKA_BOOTSTRAP=")) {
                        v = line.substring("SOAK_KAFKA_BOOTSTRAP=".length()).trim();
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        boolean up = v != null && !v.isBlank() && reachable(v);
        String why = "Kafka: services are not installed or not started (SOAK_KAFKA_BOOTSTRAP in " + env
                + "; run scripts/services.sh start)";
        if (Boolean.getBoolean("soak.services.required") && !up) {
            throw new AssertionError(why + " (soak.services.required=true)");
        }
        Assumptions.assumeTrue(up, why);
        return v;
    }

    private static boolean reachable(String hostPort) {
        int c = hostPort.lastIndexOf(':');
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(hostPort.substring(0, c), Integer.parseInt(hostPort.substring(c + 1))), 2000);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static Path envFile() {
        String p = System.getProperty("soak.services.env");
        if (p == null || p.isBlank()) {
            p = System.getenv("SOAK_SERVICES_ENV");
        }
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/services.sh"))) {
                return dir.resolve("target/services.env");
            }
        }
        return null;
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

    /** A decision per trade; its score is the count of trades of its symbol seen so far, zOfi the trade id. */
    static final class Scan implements Stage {
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
