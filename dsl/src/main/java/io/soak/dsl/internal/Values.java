package io.soak.dsl.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conversions from what a script passes (Groovy numbers, GStrings, lists) to the plain values a plan holds,
 * with messages that name the field and the bad value.
 */
public final class Values {

    private static final Pattern TEXT_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private Values() {
    }

    /** A duration from {@code 90.seconds}, or text such as {@code 90s}, {@code 60m}, {@code 2h}, {@code 500ms}, {@code PT1H}. */
    /** The longest duration or offset a plan holds (a year and a day); longer ones overflow the engine's nanosecond clock arithmetic long before they mean anything. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    public static Duration duration(String field, Object v) {
        Duration d = parseDuration(field, v);
        if (d.abs().compareTo(MAX_DURATION) > 0) {
            throw new DslError(field + " must be at most " + format(MAX_DURATION) + " (366 days), got " + show(v));
        }
        return d;
    }

    private static Duration parseDuration(String field, Object v) {
        if (v instanceof Duration d) {
            return d;
        }
        if (v instanceof CharSequence cs) {
            String t = cs.toString().trim().toLowerCase(Locale.ROOT);
            Matcher m = TEXT_DURATION.matcher(t);
            if (m.matches()) {
                long unit = switch (m.group(2)) {
                    case "ms" -> 1L;
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    default -> 3_600_000L;
                };
                try {
                    return Duration.ofMillis(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit))
                            .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
                } catch (ArithmeticException e) {
                    throw new DslError(field + " must be at most " + format(MAX_DURATION) + " (366 days), got " + show(v));
                }
            }
            if (t.startsWith("pt") || t.startsWith("p")) {
                try {
                    return Duration.parse(cs.toString().trim().toUpperCase(Locale.ROOT));
                } catch (RuntimeException e) {
                    // fall through to the message below
                }
            }
        }
        throw new DslError(field + " must be a duration such as 90.seconds, 60.minutes or '2h'"
                + (v instanceof Number ? " (a number needs a unit)" : "") + ", got " + show(v));
    }

    public static Duration positiveDuration(String field, Object v) {
        if (v instanceof Number n && n.doubleValue() <= 0) {
            throw new DslError(field + " must be > 0, got " + show(v));
        }
        Duration d = duration(field, v);
        if (d.isNegative() || d.isZero()) {
            throw new DslError(field + " must be > 0, got " + show(d));
        }
        return d;
    }

    public static Duration nonNegativeDuration(String field, Object v) {
        if (v instanceof Number n && n.doubleValue() == 0) {
            return Duration.ZERO;
        }
        Duration d = duration(field, v);
        if (d.isNegative()) {
            throw new DslError(field + " must be >= 0, got " + show(d));
        }
        return d;
    }

    public static long integer(String field, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        if (v instanceof BigDecimal b) {
            try {
                return b.longValueExact();
            } catch (ArithmeticException e) {
                // fall through
            }
        }
        if (v instanceof CharSequence cs) {
            try {
                return Long.parseLong(cs.toString().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new DslError(field + " must be an integer, got " + show(v));
    }

    public static double number(String field, Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
        }
        if (v instanceof CharSequence cs) {
            try {
                return Double.parseDouble(cs.toString().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new DslError(field + " must be a number, got " + show(v));
    }

    public static boolean bool(String field, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof CharSequence cs) {
            String t = cs.toString().trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return Boolean.parseBoolean(t);
            }
        }
        throw new DslError(field + " must be true or false, got " + show(v));
    }

    /** A non-blank string (GStrings and other values via toString). */
    public static String text(String field, Object v) {
        if (v == null) {
            throw new DslError(field + " must not be null");
        }
        if (v instanceof Map || v instanceof Collection || v instanceof groovy.lang.Closure) {
            throw new DslError(field + " must be a single value, got " + show(v));
        }
        String s = v.toString().trim();
        if (s.isEmpty()) {
            throw new DslError(field + " must not be empty");
        }
        return s;
    }

    /** Flattens varargs and nested lists of a setting such as {@code symbols 'A', 'B'} or {@code symbols(['A', 'B'])}. */
    public static List<Object> flat(Object... values) {
        List<Object> out = new ArrayList<>();
        for (Object v : values) {
            flatInto(out, v);
        }
        return out;
    }

    private static void flatInto(List<Object> out, Object v) {
        if (v instanceof Collection<?> c) {
            c.forEach(x -> flatInto(out, x));
        } else if (v instanceof Object[] a) {
            for (Object x : a) {
                flatInto(out, x);
            }
        } else if (v != null) {
            out.add(v);
        }
    }

    /**
     * A value a plan may hold and write as JSON: String, Long, Double, Boolean, List or Map of those.
     * Groovy's GString becomes String, BigDecimal a Double (a Long when integral and written without a
     * fraction), Integer a Long. Durations are refused: the field must say its unit.
     */
    public static Object plain(String field, Object v) {
        if (v == null) {
            throw new DslError(field + " must not be null");
        }
        if (v instanceof Boolean || v instanceof String) {
            return v;
        }
        if (v instanceof CharSequence cs) {
            return cs.toString();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
        }
        if (v instanceof BigDecimal b) {
            return b.doubleValue();
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new DslError(field + " must be a finite number, got " + v);
            }
            return d;
        }
        if (v instanceof Duration d) {
            throw new DslError(field + " takes a plain number with its unit in the key (for example '"
                    + field + "_ms', " + d.toMillis() + "), got " + show(v));
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            for (Object x : c) {
                out.add(plain(field, x));
            }
            return List.copyOf(out);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(field + "." + k, x)));
            return java.util.Collections.unmodifiableMap(out);
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        throw new DslError(field + " must be a string, number, boolean or list, got " + show(v));
    }

    /** How a value is shown in messages: text quoted, durations as {@code 90s}. */
    public static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof CharSequence cs) {
            String t = cs.toString().replace("\n", "\\n");
            return "'" + (t.length() > 60 ? t.substring(0, 57) + "…" : t) + "'";
        }
        if (v instanceof Duration d) {
            return format(d);
        }
        if (v instanceof groovy.lang.Closure) {
            return "a { } block";
        }
        if (v instanceof BigDecimal b) {
            return b.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(x -> parts.add(show(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }

    /** {@code 2h}, {@code 60m}, {@code 90s}, {@code 500ms}, {@code -5s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }

    /** {@code queueDropped} → {@code queue_dropped}. */
    public static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c == '-' ? '_' : c);
            }
        }
        return b.toString();
    }
}
