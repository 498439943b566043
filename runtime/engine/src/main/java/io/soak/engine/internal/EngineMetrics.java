package io.soak.engine.internal;

import io.soak.api.stage.StageMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engine-owned metrics of one component: they outlive the component's instances and are turned into a
 * manifest section by {@link #tree()}. Counter and gauge names are split on their first '.' into nesting.
 */
public final class EngineMetrics implements StageMetrics {

    private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Double> gauges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> facts = new ConcurrentHashMap<>();

    @Override
    public void add(String name, long delta) {
        AtomicLong c = counters.get(name);
        if (c == null) {
            c = counters.computeIfAbsent(name, n -> new AtomicLong());
        }
        c.addAndGet(delta);
    }

    @Override
    public long counter(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    @Override
    public void gauge(String name, double value) {
        gauges.put(name, value);
    }

    public Double gaugeValue(String name) {
        return gauges.get(name);
    }

    @Override
    public void fact(String name, Object value) {
        if (value == null) {
            facts.remove(name);
        } else {
            facts.put(name, value);
        }
    }

    /** The fact last recorded under {@code name} (by this or an earlier instance of the component), or null. */
    @Override
    public Object factValue(String name) {
        return facts.get(name);
    }

    /** The manifest form: counters and gauges nested on the first '.', facts as given; keys sorted. */
    public Map<String, Object> tree() {
        Map<String, Object> out = new TreeMap<>();
        counters.forEach((k, v) -> put(out, k, v.get()));
        gauges.forEach((k, v) -> put(out, k, v));
        facts.forEach(out::put);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> out, String name, Object value) {
        int dot = name.indexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            out.putIfAbsent(name, value);
            return;
        }
        String head = name.substring(0, dot);
        Object sub = out.get(head);
        if (!(sub instanceof Map)) {
            sub = new TreeMap<String, Object>();
            out.put(head, sub);
        }
        ((Map<String, Object>) sub).put(name.substring(dot + 1), value);
    }
}
