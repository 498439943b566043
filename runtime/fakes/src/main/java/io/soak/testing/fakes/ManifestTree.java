package io.soak.testing.fakes;

import java.util.List;
import java.util.Map;

/** Reads a run manifest tree (nested maps and lists, as parsed from {@code run_manifest.json}) by dotted path. */
public final class ManifestTree {

    private ManifestTree() {
    }

    /** The node at a dotted path (list elements by index), or null. */
    public static Object at(Map<String, Object> tree, String path) {
        Object node = tree;
        for (String p : path.split("\\.")) {
            if (node instanceof Map<?, ?> m) {
                node = m.get(p);
            } else if (node instanceof List<?> l && !p.isEmpty() && p.chars().allMatch(Character::isDigit)) {
                int i = Integer.parseInt(p);
                node = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return node;
    }

    /** The number at a dotted path as a long; 0 when absent. */
    public static long num(Map<String, Object> tree, String path) {
        return at(tree, path) instanceof Number n ? n.longValue() : 0;
    }
}
