package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.signal.Decision;
import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkFactory;
import io.soak.engine.Json;
import io.soak.sink.jsonl.internal.JsonlSinkFactory;
import io.soak.sink.sqlite.internal.SqliteSinkFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rows as the engine makes them (canonical JSON, run_id/topic/seq first) written through the real sink
 * factories, as in a dual-sink run.
 */
final class RunFixture {

    static final long M0 = 1_723_161_240_000L; // 2024-08-08T23:54:00Z
    static final ObjectMapper JSON = Json.canonical();

    final Map<String, SinkFactory> sinks = new LinkedHashMap<>();

    RunFixture() {
        sinks.put("jsonl", new JsonlSinkFactory());
        sinks.put("sqlite", new SqliteSinkFactory());
    }

    Optional<SinkFactory> sink(String type) {
        return Optional.ofNullable(sinks.get(type));
    }

    static Row row(String topic, long seq, long ts, String symbol, Object payload) {
        try {
            String body = JSON.writeValueAsString(payload);
            String json = "{\"run_id\":\"run-1\",\"topic\":\"" + topic + "\",\"seq\":" + seq + "," + body.substring(1);
            return new Row("run-1", topic, seq, ts, symbol, json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Three minutes of decisions over two symbols, with orders and fills for the strong ones. */
    static List<Row> rows() {
        List<Row> out = new ArrayList<>();
        long order = 0;
        for (int i = 1; i <= 90; i++) {
            long ts = M0 + i * 2000L;
            String sym = i % 2 == 0 ? "BTCUSDT" : "ETHUSDT";
            boolean confirm = i % 3 == 0;
            boolean strong = confirm && i % 9 == 0;
            String type = confirm ? (strong ? "strong_buy" : (i % 2 == 0 ? "buy" : "sell")) : (i % 5 == 0 ? "pending" : "neutral");
            List<String> reasons = confirm ? List.of() : (i % 4 == 0 ? List.of("low_consistency") : List.of("weak_signal"));
            Decision d = new Decision(ts, sym, 1.0, 0.5, 0.4, 0.3, 1.2, -1.0, i > 60 ? "active" : "normal", confirm, type,
                    reasons, strong);
            out.add(row("decision", i, ts, sym, d));
            if (strong) {
                order++;
                out.add(row("order", order, ts, sym, new Order(order, ts, sym, "buy", 100, type, i, "filled", "")));
                out.add(row("fill", order, ts, sym, new Fill(order, ts, sym, "buy", 0.001, 60000, 0.012, 59990)));
            }
        }
        return out;
    }

    /** Writes the rows to both sinks as the engine does (one batch per topic in seq order), commits, closes. */
    void write(Path runDir, List<Row> rows) throws Exception {
        for (SinkFactory f : sinks.values()) {
            Sink s = f.open(new io.soak.testing.fakes.FakeSinkContext(runDir, Map.of()));
            s.write(rows);
            s.commit();
            s.close();
        }
    }

    /**
     * Moves a run's JSONL files into the layout runs were written in before one file per topic and hour:
     * {@code signals/<topic>/<SYMBOL>/<yyyy-MM-dd-HH>.jsonl} ({@code _} for rows without a symbol), lines in the
     * order they were in. What the sink wrote before that change, byte for byte.
     */
    static void toOldLayout(Path runDir) throws Exception {
        Path signals = runDir.resolve("signals");
        List<Path> topics;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(signals)) {
            topics = s.filter(java.nio.file.Files::isDirectory).toList();
        }
        for (Path topic : topics) {
            List<Path> files;
            try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(topic)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList();
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                String hour = name.substring(0, name.length() - ".jsonl".length()).replace('T', '-');
                Map<String, List<String>> bySymbol = new LinkedHashMap<>();
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    String symbol = JSON.readTree(line).path("symbol").asText("");
                    bySymbol.computeIfAbsent(symbol.isEmpty() ? "_" : symbol, k -> new ArrayList<>()).add(line);
                }
                for (Map.Entry<String, List<String>> e : bySymbol.entrySet()) {
                    Path to = topic.resolve(e.getKey()).resolve(hour + ".jsonl");
                    java.nio.file.Files.createDirectories(to.getParent());
                    java.nio.file.Files.write(to, e.getValue());
                }
                java.nio.file.Files.delete(f);
            }
        }
    }
}
