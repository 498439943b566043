package io.soak.evidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Read access to the manifest tree (plain JSON maps and lists). */
final class Tree {

    private Tree() {
    }

    /** The value at a dotted path of map keys, or null. */
    static Object get(Object node, String path) {
        Object cur = node;
        for (String k : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }

    static Map<String, Object> map(Object node, String path) {
        Object v = get(node, path);
        Map<String, Object> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> out.put(String.valueOf(k), x));
        }
        return out;
    }

    static List<Object> list(Object node, String path) {
        Object v = get(node, path);
        return v instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
    }

    /** The section at {@code path}, or {@code {"status": "<note>"}} when the manifest has none: never absent. */
    static Object section(Object node, String path, String note) {
        Object v = get(node, path);
        if (v == null) {
            return Map.of("status", note);
        }
        return v;
    }

    /** Sink types of a plan; {@code dual} stands for jsonl and sqlite. */
    static List<String> sinks(List<?> planned) {
        List<String> out = new ArrayList<>();
        for (Object o : planned) {
            String s = String.valueOf(o);
            if (s.equals("dual")) {
                if (!out.contains("jsonl")) {
                    out.add("jsonl");
                }
                if (!out.contains("sqlite")) {
                    out.add("sqlite");
                }
            } else if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
