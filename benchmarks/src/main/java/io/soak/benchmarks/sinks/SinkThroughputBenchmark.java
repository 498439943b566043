package io.soak.benchmarks.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.signal.Decision;
import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import io.soak.api.stage.Settings;
import io.soak.api.stage.StageMetrics;
import io.soak.api.time.Clock;
import io.soak.engine.Json;
import io.soak.sink.jsonl.internal.JsonlSinkFactory;
import io.soak.sink.sqlite.internal.SqliteSinkFactory;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sustained rows/s of the sinks with their durability as shipped (JSONL: fsync every 1,000 rows and on
 * commit; SQLite: WAL, synchronous NORMAL, transactions of 10,000 rows, committed on every engine commit),
 * fed like the engine feeds them: batches of 1,000 canonical decision rows (~330 bytes, run_id/topic/seq
 * first), a commit every second as the engine's sink writer does (sinks.commit_interval_ms), and the
 * iteration's close (commit, checkpoint) inside the measurement's last batch. One operation = one row. {@code dual} writes each batch to both sinks in one thread (the engine gives each
 * sink its own thread, so this is the conservative figure). Targets: SQLite ≥ 100 k rows/s, JSONL ≥ 300 k,
 * both ≥ 80 k.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar sinks -f 1 -wi 1 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx512m", "-XX:+UseSerialGC"})
public class SinkThroughputBenchmark {

    static final int BATCH = 1000;
    /** The engine's commit interval as shipped (sinks.commit_interval_ms). */
    static final long COMMIT_INTERVAL_NANOS = 1_000_000_000L;
    static final String[] SYMBOLS = {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT"};

    Path dir;
    Sink jsonl;
    Sink sqlite;
    long seq;
    long lastCommit;
    final ObjectMapper json = Json.canonical();
    final List<String> bodies = new ArrayList<>();

    @Setup(Level.Iteration)
    public void open() throws Exception {
        dir = Files.createTempDirectory("soak-sink-bench-");
        jsonl = new JsonlSinkFactory().open(context(dir));
        sqlite = new SqliteSinkFactory().open(context(dir));
        seq = 0;
        lastCommit = System.nanoTime();
        if (bodies.isEmpty()) {
            for (int i = 0; i < 64; i++) {
                Decision d = new Decision(1_723_161_255_000L + i, SYMBOLS[i % SYMBOLS.length], 0.73 + i / 100.0,
                        1.25, -0.4, 0.318, 0.16, -1.02, "active", i % 3 == 0, i % 3 == 0 ? "buy" : "pending",
                        i % 3 == 0 ? List.of() : List.of("low_consistency"), i % 9 == 0);
                String body = json.writeValueAsString(d);
                bodies.add(body.substring(1));
            }
        }
    }

    @TearDown(Level.Iteration)
    public void close() throws Exception {
        jsonl.close();
        sqlite.close();
        delete(dir);
    }

    private List<Row> batch() {
        List<Row> rows = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            long s = ++seq;
            String body = bodies.get((int) (s % bodies.size()));
            long ts = 1_723_161_255_000L + s * 3; // ~330 rows per second of event time
            rows.add(new Row("bench-run", "decision", s, ts, SYMBOLS[(int) (s % SYMBOLS.length)],
                    "{\"run_id\":\"bench-run\",\"topic\":\"decision\",\"seq\":" + s + "," + body));
        }
        return rows;
    }

    private void feed(Sink... sinks) throws Exception {
        List<Row> rows = batch();
        long now = System.nanoTime();
        boolean commit = now - lastCommit >= COMMIT_INTERVAL_NANOS;
        if (commit) {
            lastCommit = now;
        }
        for (Sink s : sinks) {
            s.write(rows);
            if (commit) {
                s.commit();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void jsonl() throws Exception {
        feed(jsonl);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sqlite() throws Exception {
        feed(sqlite);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void dual() throws Exception {
        feed(jsonl, sqlite);
    }

    static SinkContext context(Path dir) {
        return new SinkContext() {
            @Override
            public String runId() {
                return "bench-run";
            }

            @Override
            public Path runDirectory() {
                return dir;
            }

            @Override
            public Settings config() {
                return Settings.empty(); // the shipped defaults
            }

            @Override
            public Clock clock() {
                return () -> System.currentTimeMillis() * 1_000_000L;
            }

            @Override
            public StageMetrics metrics() {
                return new StageMetrics() {
                    @Override
                    public void add(String name, long delta) {
                    }

                    @Override
                    public long counter(String name) {
                        return 0;
                    }

                    @Override
                    public void gauge(String name, double value) {
                    }

                    @Override
                    public void fact(String name, Object value) {
                    }
                };
            }
        };
    }

    static void delete(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
