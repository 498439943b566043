package io.soak.engine.internal;

import io.soak.api.time.Clock;

/**
 * The engine's clocks. {@link Virtual}: simulation, moved only by the driver. {@link Scaled}: live (origin =
 * wall clock, pace 1) and paced replay (origin = the recording's first receive time, pace N): origin plus the
 * elapsed monotonic wall time times the pace.
 */
public abstract sealed class EngineClock implements Clock permits EngineClock.Virtual, EngineClock.Scaled {

    /** Converts an engine-time span to wall nanoseconds (for waits). */
    public abstract long toWallNanos(long engineNanos);

    /** Virtual time for the deterministic simulation. */
    public static final class Virtual extends EngineClock {
        private volatile long now;

        public Virtual(long start) {
            this.now = start;
        }

        @Override
        public long nanos() {
            return now;
        }

        public void advanceTo(long t) {
            if (t > now) {
                now = t;
            }
        }

        @Override
        public long toWallNanos(long engineNanos) {
            return 0;
        }
    }

    /** Wall clock (pace 1) or the recording's clock scaled by the pace. */
    public static final class Scaled extends EngineClock {
        private final long origin;
        private final long wallOrigin = System.nanoTime();
        private final double pace;
        private volatile long last;

        public Scaled(long origin, double pace) {
            this.origin = origin;
            this.pace = pace;
            this.last = origin;
        }

        @Override
        public long nanos() {
            long elapsed = System.nanoTime() - wallOrigin;
            long t = origin + (pace == 1.0 ? elapsed : (long) (elapsed * pace));
            // monotonic non-decreasing even if nanoTime jitters
            long l = last;
            if (t < l) {
                return l;
            }
            last = t;
            return t;
        }

        @Override
        public long toWallNanos(long engineNanos) {
            return pace == 1.0 ? engineNanos : (long) (engineNanos / pace);
        }
    }
}
