package io.soak.export;

import io.soak.api.plan.Mode;
import io.soak.api.plan.ScenarioPlan;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the run's engine time becomes the timestamp an exporter writes (InfluxDB line protocol, VictoriaMetrics,
 * the OpenMetrics file). Option {@code timestamps}:
 * <ul>
 *   <li>{@code rebased} (default): live runs keep their time (engine time is wall time); a paced replay is
 *       shifted by a whole number of minutes so that it starts at the wall minute it started; a max-pace replay
 *       is exported when it finished, shifted by a whole number of minutes so that its last point is at or just
 *       before the wall time it finished. Whole minutes keep the minute spacing and the minute boundaries.</li>
 *   <li>{@code event}: engine time as is (the recording's event times in a replay). A store with a retention
 *       shorter than the recording's age drops these points; the read-back reports it.</li>
 * </ul>
 */
final class TimeMapping {

    static final long MINUTE = 60_000L;

    enum Kind { IDENTITY, SHIFT_AT_START, SHIFT_AT_END }

    private final Kind kind;
    private final String option;
    private long offsetMs;
    private boolean fixed;

    private TimeMapping(Kind kind, String option) {
        this.kind = kind;
        this.option = option;
        this.fixed = kind == Kind.IDENTITY;
    }

    static TimeMapping of(ScenarioPlan plan, String option) {
        String o = option == null || option.isBlank() ? "rebased" : option.strip().toLowerCase(Locale.ROOT);
        if (!o.equals("rebased") && !o.equals("event")) {
            throw new IllegalArgumentException("time-series option timestamps must be 'rebased' or 'event', got '" + option + "'");
        }
        if (o.equals("event") || plan.mode() != Mode.REPLAY) {
            return new TimeMapping(Kind.IDENTITY, o);
        }
        return new TimeMapping(plan.pace().max() ? Kind.SHIFT_AT_END : Kind.SHIFT_AT_START, o);
    }

    /** True when snapshots must wait for the end of the run (max-pace replay, rebased). */
    boolean deferred() {
        return kind == Kind.SHIFT_AT_END;
    }

    void start(long engineMs, long wallMs) {
        if (kind == Kind.SHIFT_AT_START) {
            offsetMs = Math.floorDiv(wallMs - engineMs, MINUTE) * MINUTE;
            fixed = true;
        }
    }

    void end(long engineMs, long wallMs) {
        if (kind == Kind.SHIFT_AT_END) {
            offsetMs = Math.floorDiv(wallMs - engineMs, MINUTE) * MINUTE;
            fixed = true;
        }
    }

    long map(long engineMs) {
        if (!fixed) {
            throw new IllegalStateException("time mapping not fixed yet");
        }
        return engineMs + offsetMs;
    }

    long offsetMs() {
        return offsetMs;
    }

    Map<String, Object> section() {
        Map<String, Object> m = new TreeMap<>();
        m.put("timestamps", option);
        m.put("rule", switch (kind) {
            case IDENTITY -> "engine time as is";
            case SHIFT_AT_START -> "replay shifted by whole minutes to start at the wall minute it started";
            case SHIFT_AT_END -> "max-pace replay exported at the end, shifted by whole minutes to end at or before the wall time it finished";
        });
        m.put("offset_ms", offsetMs);
        return m;
    }
}
