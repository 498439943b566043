package io.soak.testing.fakes;

import io.soak.api.stage.StageMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory {@link StageMetrics} of the same shape as the engine's: counters, gauges and facts that a test
 * can read, and that outlive a stage instance when shared between two contexts (as the engine's do).
 */
public final class FakeMetrics implements StageMetrics {

    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, Double> gauges = new ConcurrentHashMap<>();
    private final Map<String, Object> facts = new ConcurrentHashMap<>();

    @Override
    public void add(String name, long delta) {
        counters.computeIfAbsent(name, n -> new AtomicLong()).addAndGet(delta);
    }

    @Override
    public long counter(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0L : c.get();
    }

    @Override
    public void gauge(String name, double value) {
        gauges.put(name, value);
    }

    @Override
    public void fact(String name, Object value) {
        facts.put(name, value);
    }

    @Override
    public Object factValue(String name) {
        return facts.get(name);
    }

    /** Every counter, sorted by name. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Every gauge, sorted by name. */
    public Map<String, Double> gauges() {
        return new TreeMap<>(gauges);
    }

    /** Every fact, sorted by name. */
    public Map<String, Object> facts() {
        return new TreeMap<>(facts);
    }
}
