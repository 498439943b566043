package io.soak.engine.internal;

import io.soak.api.plan.Fault;
import java.time.Duration;

/**
 * Fault {@code slow-sink}: the sink's commits are held back for the fault's duration (a sink that stalls on
 * fsync); with {@code delay}, at most one commit per delay inside the window. Rows keep arriving and wait uncommitted in its writer; in threaded mode the writer also stops taking
 * rows, so its queue fills and the bus blocks (backpressure). At the end of the window the writer commits
 * everything it holds. Observed in {@code sinks.<type>.{commits_delayed, max_uncommitted_rows, slow_windows}}
 * and, threaded, in the stage queues and the {@code DEGRADED} health of the stages feeding the bus.
 */
final class SlowSinkFault {

    static final SlowSinkFault INSTANCE = new SlowSinkFault();

    String apply(Engine engine, Fault.SlowSink f, Records.Fault rec) {
        SinkWriter w = engine.sinks.stream().filter(s -> s.type.equals(f.sink())).findFirst().orElse(null);
        if (w == null) {
            throw new IllegalArgumentException("fault slow-sink: no sink '" + f.sink() + "' in this run (sinks "
                    + engine.sinks.stream().map(s -> s.type).toList() + ")");
        }
        long d = f.duration().isZero() ? Duration.ofSeconds(10).toNanos() : f.duration().toNanos();
        long until = rec.atNanos + d;
        w.slowUntil(until, f.delay().toNanos());
        rec.endNanos = until;
        rec.effect = "commits of sink " + f.sink() + " held back for " + Duration.ofNanos(d)
                + (f.delay().isZero() ? "" : " (at most one commit per " + f.delay() + ")");
        engine.faults.record(rec);
        if (engine.sim) {
            // virtual time reaches the window's end and the writer commits what it held
            engine.control.timers.add(until, 0, TimerQueue.PRIO_NORMAL, w::commitIfDue);
        }
        return rec.effect;
    }
}
