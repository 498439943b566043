package io.soak.alerts;

import java.time.Duration;
import java.util.Locale;

/** Durations as written in config and scenarios: {@code 2m}, {@code 30s}, {@code 500ms}, {@code 1h}, ISO {@code PT2M}, or seconds. */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String key, Object value) {
        if (value instanceof Duration d) {
            return d;
        }
        if (value instanceof Number n) {
            return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        }
        String t = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            double n = Double.parseDouble(t.substring(0, t.length() - 1).trim());
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofMillis(Math.round(n * 1000));
                case 'm' -> Duration.ofMillis(Math.round(n * 60_000));
                case 'h' -> Duration.ofMillis(Math.round(n * 3_600_000));
                default -> Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a duration such as 30s, 2m, 1h or PT2M, got '"
                    + value + "'");
        }
    }
}
