package io.soak.dsl.internal;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Time literals in scenario scripts ({@code 90.seconds}, {@code 60.minutes}, {@code 1.5.hours},
 * {@code 500.millis}). A Groovy category: active only on the evaluating thread for the duration of one
 * evaluation, so no global meta-class change leaks into the host.
 */
public final class DurationCategory {

    private DurationCategory() {
    }

    public static Duration getMillis(Number n) {
        return of(n, 1L);
    }

    public static Duration getMilli(Number n) {
        return of(n, 1L);
    }

    public static Duration getSeconds(Number n) {
        return of(n, 1_000L);
    }

    public static Duration getSecond(Number n) {
        return of(n, 1_000L);
    }

    public static Duration getMinutes(Number n) {
        return of(n, 60_000L);
    }

    public static Duration getMinute(Number n) {
        return of(n, 60_000L);
    }

    public static Duration getHours(Number n) {
        return of(n, 3_600_000L);
    }

    public static Duration getHour(Number n) {
        return of(n, 3_600_000L);
    }

    /** {@code -5.seconds}. */
    public static Duration negative(Duration d) {
        return d.negated();
    }

    /** {@code 30.minutes * 2}. */
    public static Duration multiply(Duration d, Number n) {
        return Duration.ofMillis(Math.round(d.toMillis() * n.doubleValue()));
    }

    /** {@code 60.minutes / 2}. */
    public static Duration div(Duration d, Number n) {
        return Duration.ofMillis(Math.round(d.toMillis() / n.doubleValue()));
    }

    private static Duration of(Number n, long unitMs) {
        try {
            if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
                return Duration.ofMillis(Math.multiplyExact(n.longValue(), unitMs));
            }
            BigDecimal ms = new BigDecimal(n.toString()).multiply(BigDecimal.valueOf(unitMs));
            return Duration.ofMillis(ms.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException | NumberFormatException e) {
            throw new DslError(Values.show(n) + " is too large for a duration (at most " + Values.format(Values.MAX_DURATION) + ")");
        }
    }
}
