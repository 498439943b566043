package io.soak.engine;

import io.soak.api.sink.Row;
import io.soak.api.sink.Sink;
import io.soak.api.sink.SinkContext;
import io.soak.api.sink.SinkFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An in-test sink type {@code mem}: rows keyed by (topic, seq) like the real sinks' idempotent tables, with
 * how many times each was written. Committed rows survive a reopen (it is the "disk").
 */
final class MemorySink implements SinkFactory {

    final Map<String, ConcurrentSkipListMap<Long, Row>> committed = new ConcurrentHashMap<>();
    final Map<String, Integer> writes = new ConcurrentHashMap<>();
    final AtomicInteger opens = new AtomicInteger();

    @Override
    public String type() {
        return "mem";
    }

    @Override
    public Sink open(SinkContext context) {
        opens.incrementAndGet();
        return new Sink() {
            private final Map<String, Row> pending = new java.util.LinkedHashMap<>();

            @Override
            public void write(List<Row> rows) {
                for (Row r : rows) {
                    String key = r.topic() + "/" + r.seq();
                    pending.put(key, r);
                    writes.merge(key, 1, Integer::sum);
                }
            }

            @Override
            public void commit() {
                for (Row r : pending.values()) {
                    committed.computeIfAbsent(r.topic(), t -> new ConcurrentSkipListMap<>()).put(r.seq(), r);
                }
                pending.clear();
            }

            @Override
            public void close() {
                commit();
            }
        };
    }

    @Override
    public Stream<Row> readBack(Path runDirectory) {
        return committed.values().stream().flatMap(m -> m.values().stream());
    }
}
