package io.soak.shell;

import java.util.Collection;
import java.util.Map;

/** Numbers and values for people: integers with separators, ratios as percentages, no float noise. */
final class Fmt {

    private Fmt() {
    }

    static String cell(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e12) {
                return String.format("%,d", (long) d);
            }
            return Math.abs(d) >= 100 ? String.format("%,.0f", d) : Math.abs(d) >= 1 ? String.format("%.1f", d)
                    : String.format("%.3f", d);
        }
        if (v instanceof Number n) {
            return String.format("%,d", n.longValue());
        }
        if (v instanceof Collection<?> c) {
            return c.isEmpty() ? "-" : String.join(",", c.stream().map(String::valueOf).toList());
        }
        if (v instanceof Map<?, ?> m) {
            return m.isEmpty() ? "-" : m.toString();
        }
        return String.valueOf(v);
    }

    static String pct(Object ratio) {
        if (!(ratio instanceof Number n)) {
            return "-";
        }
        return String.format("%.1f%%", n.doubleValue() * 100);
    }

    static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
