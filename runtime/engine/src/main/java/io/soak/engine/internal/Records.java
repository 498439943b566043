package io.soak.engine.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Mutable records the engine keeps of restarts and faults, turned into manifest entries on demand. */
final class Records {

    private Records() {
    }

    static String iso(long nanos) {
        return java.time.Instant.ofEpochMilli(Math.floorDiv(nanos, 1_000_000L)).toString();
    }

    /** One restart (or give-up) of a stage. */
    static final class Restart {
        final int n;
        final String cause;
        final long backoffMs;
        final long atNanos;
        final boolean gaveUp;
        volatile long recoveredNanos = -1;
        /** The restart that replaced this one before it recovered (the new instance died first), or 0. */
        volatile int supersededBy;
        Fault fault;

        Restart(int n, String cause, long backoffMs, long atNanos, boolean gaveUp) {
            this.n = n;
            this.cause = cause;
            this.backoffMs = backoffMs;
            this.atNanos = atNanos;
            this.gaveUp = gaveUp;
        }

        long recoveryMs() {
            return recoveredNanos < 0 ? -1 : (recoveredNanos - atNanos) / 1_000_000L;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("cause", cause);
            m.put("backoff_ms", backoffMs);
            m.put("at", iso(atNanos));
            m.put("recovered_at", recoveredNanos < 0 ? null : iso(recoveredNanos));
            m.put("recovery_ms", recoveredNanos < 0 ? null : recoveryMs());
            if (gaveUp) {
                m.put("gave_up", true);
            }
            if (supersededBy > 0 && recoveredNanos < 0) {
                m.put("superseded_by", supersededBy);
            }
            return m;
        }
    }

    /** One injected fault. */
    static final class Fault {
        final String kind;
        final String target;
        final long atNanos;
        volatile long endNanos = -1;
        volatile String effect;
        final Map<String, Object> params;

        Fault(String kind, String target, long atNanos, Map<String, Object> params, String effect) {
            this.kind = kind;
            this.target = target;
            this.atNanos = atNanos;
            this.params = new java.util.TreeMap<>(params);
            this.effect = effect;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kind);
            m.put("target", target);
            m.put("at", iso(atNanos));
            m.put("end", endNanos < 0 ? null : iso(endNanos));
            m.put("effect", effect);
            if (!params.isEmpty()) {
                m.put("params", params);
            }
            return m;
        }
    }
}
