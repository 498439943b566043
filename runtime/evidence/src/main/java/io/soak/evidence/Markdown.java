package io.soak.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Small Markdown writer for the reports: tables of maps and lists of maps, whatever shape another
 * extension gave its manifest section; times converted to the report time zone.
 */
final class Markdown {

    private final StringBuilder sb = new StringBuilder();
    private final ZoneId zone;
    private final ObjectMapper json;
    private final DateTimeFormatter format;

    Markdown(ZoneId zone, ObjectMapper json) {
        this.zone = zone;
        this.json = json;
        this.format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(zone);
    }

    Markdown h1(String t) {
        sb.append("# ").append(t).append("\n\n");
        return this;
    }

    Markdown h2(String t) {
        sb.append("## ").append(t).append("\n\n");
        return this;
    }

    Markdown p(String t) {
        sb.append(t).append("\n\n");
        return this;
    }

    /** Epoch ms in the report zone, with the UTC instant in parentheses unless the zone is UTC. */
    String time(long ms) {
        String local = format.format(Instant.ofEpochMilli(ms));
        return zone.normalized().equals(ZoneId.of("UTC").normalized()) || "Z".equals(zone.getId())
                ? local : local + " (" + Instant.ofEpochMilli(ms) + ")";
    }

    /** A manifest value: ISO instants shown in the report zone, nested values as compact JSON. */
    String cell(Object v) {
        if (v == null) {
            return "—";
        }
        if (v instanceof String s) {
            if (s.length() >= 20 && s.length() <= 35 && s.charAt(4) == '-' && s.contains("T")) {
                try {
                    return time(Instant.parse(s).toEpochMilli());
                } catch (DateTimeParseException e) {
                    // not an instant: shown as is
                }
            }
            return escape(s);
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return String.valueOf(d);
            }
            return number(d);
        }
        if (v instanceof Float f) {
            return number(f.doubleValue());
        }
        if (v instanceof Map<?, ?> m) {
            // a nested section reads as "key value; key value", never as a JSON blob
            if (m.isEmpty()) {
                return "—";
            }
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(k + " " + (x instanceof Map || x instanceof Collection ? "(" + cell(x) + ")" : cell(x))));
            return String.join("; ", parts);
        }
        if (v instanceof Collection<?> c) {
            if (c.isEmpty()) {
                return "—";
            }
            List<String> parts = new ArrayList<>();
            c.forEach(x -> parts.add(x instanceof Map ? "(" + cell(x) + ")" : cell(x)));
            return String.join(", ", parts);
        }
        return escape(String.valueOf(v));
    }

    /**
     * A number for reading: integers as such (thousands separated when large), others to 4 significant
     * digits, at most 4 decimals ({@code 63891.40287556953} → {@code 63891.4}, {@code 0.534159} → {@code 0.5342}).
     */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return String.valueOf(d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf((long) d);
        }
        java.math.BigDecimal b = new java.math.BigDecimal(d).round(new java.math.MathContext(4));
        if (b.scale() > 4) {
            b = b.setScale(4, java.math.RoundingMode.HALF_UP);
        }
        if (Math.abs(d) >= 1e4) {
            b = new java.math.BigDecimal(d).setScale(1, java.math.RoundingMode.HALF_UP);
        }
        return b.stripTrailingZeros().toPlainString();
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    Markdown table(List<String> header, List<List<Object>> rows) {
        sb.append('|');
        header.forEach(h -> sb.append(' ').append(h).append(" |"));
        sb.append("\n|");
        header.forEach(h -> sb.append("---|"));
        sb.append('\n');
        for (List<Object> r : rows) {
            sb.append('|');
            r.forEach(c -> sb.append(' ').append(c instanceof String s && s.startsWith("\u0000") ? s.substring(1) : cell(c))
                    .append(" |"));
            sb.append('\n');
        }
        sb.append('\n');
        return this;
    }

    /** A key/value table of a map; an empty or absent section says so. */
    Markdown keyValues(Object section, String emptyText) {
        if (!(section instanceof Map<?, ?> m) || m.isEmpty()) {
            return p("_" + emptyText + "_");
        }
        List<List<Object>> rows = new ArrayList<>();
        m.forEach((k, v) -> rows.add(List.of(String.valueOf(k), v == null ? "—" : v)));
        return table(List.of("item", "value"), rows);
    }

    /** A table of a list of maps (columns: the union of their keys); an empty or absent list says so. */
    Markdown records(Object list, String emptyText) {
        if (!(list instanceof List<?> l) || l.isEmpty()) {
            return p("_" + emptyText + "_");
        }
        Set<String> cols = new LinkedHashSet<>();
        for (Object o : l) {
            if (o instanceof Map<?, ?> m) {
                m.keySet().forEach(k -> cols.add(String.valueOf(k)));
            }
        }
        if (cols.isEmpty()) {
            List<List<Object>> rows = new ArrayList<>();
            l.forEach(o -> rows.add(List.of(o)));
            return table(List.of("value"), rows);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Object o : l) {
            List<Object> r = new ArrayList<>();
            Map<?, ?> m = o instanceof Map<?, ?> mm ? mm : Map.of();
            cols.forEach(c -> r.add(m.get(c)));
            rows.add(r);
        }
        return table(List.copyOf(cols), rows);
    }

    /** The pass/fail table of the acceptance criteria every report opens with. */
    Markdown criteria(Object verdict) {
        if (!(verdict instanceof Map<?, ?> v)) {
            return h2("Acceptance criteria").p("_no verdict in the manifest_");
        }
        Object passed = v.get("passed");
        h2("Acceptance criteria: " + (Boolean.TRUE.equals(passed) ? "PASSED" : "FAILED"));
        Object criteria = v.get("criteria");
        if (!(criteria instanceof List<?> l) || l.isEmpty()) {
            return p("_the scenario states no acceptance criteria_");
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Object o : l) {
            if (o instanceof Map<?, ?> c) {
                rows.add(List.of("\u0000" + (Boolean.TRUE.equals(c.get("passed")) ? "✅ pass" : "❌ FAIL"),
                        String.valueOf(c.get("name")), "\u0000`" + c.get("path") + " " + c.get("op") + " " + cell(c.get("expected")) + "`",
                        c.get("observed") == null ? "—" : c.get("observed")));
            }
        }
        return table(List.of("result", "criterion", "expectation", "observed"), rows);
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
