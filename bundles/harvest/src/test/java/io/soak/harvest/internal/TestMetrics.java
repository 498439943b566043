package io.soak.harvest.internal;

import io.soak.api.stage.StageMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Engine-like metrics for tests: counters, gauges and facts in maps (kept across stage instances, as the engine does). */
final class TestMetrics implements StageMetrics {
    final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    final Map<String, Object> facts = new ConcurrentHashMap<>();

    @Override
    public void add(String name, long delta) {
        counters.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(delta);
    }

    @Override
    public long counter(String name) {
        AtomicLong v = counters.get(name);
        return v == null ? 0 : v.get();
    }

    @Override
    public void gauge(String name, double value) {
        facts.put("gauge." + name, value);
    }

    @Override
    public void fact(String name, Object value) {
        facts.put(name, value);
    }

    @Override
    public Object factValue(String name) {
        return facts.get(name);
    }

    /** Counters whose name starts with {@code prefix}, prefix removed. */
    Map<String, Long> with(String prefix) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v.get());
            }
        });
        return out;
    }
}
