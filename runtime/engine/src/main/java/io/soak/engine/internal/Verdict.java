package io.soak.engine.internal;

import io.soak.api.plan.Criterion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a plan's expectations over the manifest tree (plain JSON maps and lists). A path that is not
 * in the manifest fails with observed {@code missing}. One evaluator for every criterion: new capabilities
 * add manifest sections, never operators.
 */
public final class Verdict {

    /**
     * The verdict section and the one-line failures.
     *
     * @param status {@code PASS}, {@code FAIL} or {@code INCOMPLETE} (the run did not last its planned duration)
     * @param waived baseline criteria (or families) the scenario waived, with the reason given
     */
    public record Result(boolean passed, List<Map<String, Object>> criteria, List<String> failures, String status,
                         Map<String, String> waived) {

        public Result(boolean passed, List<Map<String, Object>> criteria, List<String> failures) {
            this(passed, criteria, failures, passed ? "PASS" : "FAIL", Map.of());
        }

        public Map<String, Object> section() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("passed", passed);
            m.put("status", status);
            m.put("criteria", criteria);
            m.put("waived", waived);
            return m;
        }
    }

    private static final Object MISSING = new Object();

    private Verdict() {
    }

    public static Result evaluate(List<Criterion> criteria, Map<String, Object> tree) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean all = true;
        for (Criterion c : criteria) {
            if (Baseline.WAIVE_OP.equals(c.op())) {
                continue; // a waiver is not a check (Baseline applies it)
            }
            Object observed = resolve(tree, c.path());
            boolean ok;
            String error = null;
            try {
                ok = observed != MISSING && test(c.op(), observed, c.expected());
            } catch (IllegalArgumentException e) {
                ok = false;
                error = e.getMessage();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("path", c.path());
            m.put("op", c.op());
            m.put("expected", c.expected());
            m.put("observed", observed == MISSING ? "missing" : observed);
            m.put("passed", ok);
            if (error != null) {
                m.put("error", error);
            }
            out.add(m);
            if (!ok) {
                all = false;
                failures.add(c.name() + ": expected " + c.path() + " " + c.op() + " " + show(c.expected())
                        + ", observed " + (observed == MISSING ? "missing" : show(observed))
                        + (error == null ? "" : " (" + error + ")"));
            }
        }
        return new Result(all, out, failures);
    }

    /** The value at a dotted path; list elements by index. Keys may themselves contain dots (longest match wins). */
    static Object resolve(Object node, String path) {
        if (path == null || path.isEmpty()) {
            return node;
        }
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey(path)) {
                return map.get(path);
            }
            int dot = path.indexOf('.');
            while (dot > 0) {
                String head = path.substring(0, dot);
                if (map.containsKey(head)) {
                    Object r = resolve(map.get(head), path.substring(dot + 1));
                    if (r != MISSING) {
                        return r;
                    }
                }
                dot = path.indexOf('.', dot + 1);
            }
            return MISSING;
        }
        if (node instanceof List<?> list) {
            int dot = path.indexOf('.');
            String head = dot < 0 ? path : path.substring(0, dot);
            try {
                int i = Integer.parseInt(head);
                if (i < 0 || i >= list.size()) {
                    return MISSING;
                }
                return dot < 0 ? list.get(i) : resolve(list.get(i), path.substring(dot + 1));
            } catch (NumberFormatException e) {
                return MISSING;
            }
        }
        return MISSING;
    }

    static boolean test(String op, Object observed, Object expected) {
        switch (op) {
            case "==":
                return same(observed, expected);
            case "!=":
                return !same(observed, expected);
            case "<":
                return compare(observed, expected) < 0;
            case "<=":
                return compare(observed, expected) <= 0;
            case ">":
                return compare(observed, expected) > 0;
            case ">=":
                return compare(observed, expected) >= 0;
            case "contains":
                if (observed instanceof List<?> l) {
                    return l.stream().anyMatch(e -> matches(e, expected));
                }
                if (observed instanceof Map<?, ?> m) {
                    return m.containsKey(String.valueOf(expected));
                }
                return observed != null && String.valueOf(observed).contains(String.valueOf(expected));
            case "in_order":
                if (!(observed instanceof List<?> l)) {
                    throw new IllegalArgumentException("in_order needs a list at the path");
                }
                List<?> want = expected instanceof List<?> w ? w : List.of(expected);
                int i = 0;
                for (Object e : l) {
                    if (i < want.size() && matches(e, want.get(i))) {
                        i++;
                    }
                }
                return i == want.size();
            default:
                throw new IllegalArgumentException("unknown operator '" + op + "'");
        }
    }

    /** An element matches an expected value when equal, or when it is an object with that value as a field. */
    private static boolean matches(Object element, Object expected) {
        if (same(element, expected)) {
            return true;
        }
        if (element instanceof Map<?, ?> m) {
            for (Object v : m.values()) {
                if (!(v instanceof Map) && !(v instanceof List) && same(v, expected)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        if (a instanceof Number x && b instanceof String s) {
            try {
                return Double.compare(x.doubleValue(), Double.parseDouble(s)) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (a instanceof Boolean || b instanceof Boolean) {
            return a != null && b != null && String.valueOf(a).equalsIgnoreCase(String.valueOf(b));
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!same(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a == null ? null : String.valueOf(a), b == null ? null : String.valueOf(b));
    }

    private static int compare(Object observed, Object expected) {
        Double a = number(observed);
        Double b = number(expected);
        if (a == null || b == null) {
            if (observed instanceof String s && expected instanceof String t) {
                return s.compareTo(t);
            }
            throw new IllegalArgumentException("cannot compare " + show(observed) + " with " + show(expected));
        }
        return Double.compare(a, b);
    }

    private static Double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static String show(Object o) {
        return o instanceof String s ? "'" + s + "'" : String.valueOf(o);
    }
}
