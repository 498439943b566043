package io.soak.dsl.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** {@code config { }}: flat dotted overrides of config/defaults.yaml ({@code set 'signal.z.window', 300}). */
public final class ConfigContext extends BlockContext {

    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_@-]+)+");

    private final Map<String, Object> values = new TreeMap<>();

    ConfigContext(Evaluation eval) {
        super(eval, "soak.config", "config { }");
    }

    @Override
    String hint(String setting) {
        return "set".equals(setting) ? "set 'signal.z.window', 300 (or set signal: [z: [window: 300]])" : null;
    }

    /** One override: a dotted key whose first part is the component kind, and a string, number, boolean or list. */
    public void set(Object key, Object value) {
        enter("set");
        put(Values.text(field("set"), key), value);
    }

    /** Overrides as a (nested) map, flattened to dotted keys: {@code set signal: [z: [window: 300]]}. */
    public void set(Map<String, Object> nested) {
        enter("set");
        flatten("", nested);
    }

    private void flatten(String prefix, Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> inner) {
                flatten(k, inner);
            } else {
                put(k, e.getValue());
            }
        }
    }

    private void put(String key, Object value) {
        if (!KEY.matcher(key).matches()) {
            throw new DslError(field("set") + " key must be dotted with the component first, for example 'signal.z.window', got " + Values.show(key));
        }
        Object v = Values.plain(field("set") + "('" + key + "')", value);
        eval.catalog.problem(key, v).ifPresent(p -> {
            throw new DslError(field("set") + ": " + p);
        });
        values.put(key, v);
    }

    Map<String, Object> build() {
        return values;
    }
}
