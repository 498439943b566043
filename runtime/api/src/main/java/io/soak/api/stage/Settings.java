package io.soak.api.stage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Effective configuration of one component: config/defaults overlaid by the scenario. Keys are flat,
 * dotted names (for example {@code z.window}); values are String, Number, Boolean or List.
 * A present value of the wrong type is an error naming the key and the value.
 */
public record Settings(Map<String, Object> values) {

    public Settings {
        values = values == null ? Map.of() : Map.copyOf(values);
    }

    public static Settings empty() {
        return new Settings(Map.of());
    }

    public Optional<Object> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String string(String key, String fallback) {
        Object v = values.get(key);
        return v == null ? fallback : v.toString();
    }

    public double decimal(String key, double fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a number, got '" + v + "'");
        }
    }

    public long integer(String key, long fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + v + "'");
        }
    }

    public boolean flag(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase();
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("setting '" + key + "' must be true or false, got '" + v + "'");
    }

    /** A list value; a single comma-separated string is split. */
    public List<String> list(String key, List<String> fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of(v.toString().split("\\s*,\\s*"));
    }

    /** The settings whose keys start with {@code prefix + "."}, with the prefix removed. */
    public Settings scope(String prefix) {
        String p = prefix + ".";
        Map<String, Object> out = new java.util.HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(p)) {
                out.put(k.substring(p.length()), v);
            }
        });
        return new Settings(out);
    }
}
