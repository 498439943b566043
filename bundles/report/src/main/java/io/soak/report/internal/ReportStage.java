package io.soak.report.internal;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.market.MarketEvent;
import io.soak.api.signal.Decision;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stage.Topics;
import io.soak.stats.MinuteAccumulator;
import io.soak.api.stats.MinuteStats;
import io.soak.api.time.Cancellable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Closes minutes of event time and emits their {@link MinuteStats}: per symbol first, {@code all} last.
 *
 * <p>When a minute [m, m+60 s) closes: as soon as the stage has handled an event published at engine time
 * ≥ m + 60 s + grace (the bus delivers in publish order, so nothing of that minute can still be queued
 * before it), or, when nothing flows, at the engine-clock timer m + 60 s + grace + idle. The engine clock
 * follows the wall clock live and the recording's local receive time in replay, while the minute is one of
 * exchange event time: in the recordings the exchange's clock runs ~1 s ahead of the local one, live it is
 * behind by the network lag; the grace (setting {@code grace_ms}, 2 s) covers both. An event of a minute
 * that already closed is counted in {@code late_events} and not in any minute.
 *
 * <p>Hostile times never cost a minute each: an event stamped more than {@code max_ahead_ms} (one day) after
 * the engine clock is counted in {@code out_of_range_events} and not in any minute (one such event used to make
 * the stop emit every empty minute up to its year), and when the clock jumps more than a day past the next
 * minute to close with no data in between, the empty minutes beyond the last day are skipped without being
 * built, counted in {@code minutes_skipped}.
 */
final class ReportStage implements Stage {

    static final long MINUTE = MinuteAccumulator.MINUTE_MS;
    /** At most this many empty minutes in a row are emitted when the clock jumps; the rest are skipped. */
    static final long MAX_EMPTY_MINUTES = 1_440;

    private StageContext ctx;
    private StageMetrics metrics;
    private MinuteAccumulator minutes;
    private final LatencyHistograms latency = new LatencyHistograms();
    private long graceMs;
    private long idleMs;
    /** The next minute to close. */
    private long next;
    private Cancellable timer;
    private long closed;
    private long total;
    private long strong;
    private long decisions;
    private long late;
    private long maxAheadMs;

    @Override
    public void start(StageContext context) {
        this.ctx = context;
        this.metrics = context.metrics();
        this.graceMs = Math.max(0, context.config().integer("grace_ms", 2000));
        this.idleMs = Math.max(0, context.config().integer("idle_close_ms", 3000));
        this.maxAheadMs = Math.max(MINUTE, context.config().integer("max_ahead_ms", 86_400_000L));
        this.minutes = new MinuteAccumulator(context.config().list("symbols", List.of()));
        // a restarted instance resumes the totals the engine kept for it
        this.closed = metrics.counter("closed");
        this.total = metrics.counter("total");
        this.strong = metrics.counter("strong");
        this.decisions = metrics.counter("decisions");
        this.late = metrics.counter("late_events");
        this.next = MinuteAccumulator.minuteOf(context.clock().millis());
        schedule();
    }

    @Override
    public void handle(Envelope event) {
        Object p = event.payload();
        if (p instanceof Decision d) {
            if (accept(d.tsMs())) {
                minutes.decision(d);
                latency.record(MinuteAccumulator.minuteOf(d.tsMs()), d.symbol(), d.lagSec());
            }
        } else if (p instanceof Order o) {
            if (accept(o.tsMs())) {
                minutes.order(o);
            }
        } else if (p instanceof Fill f) {
            if (accept(f.tsMs())) {
                minutes.fill(f);
            }
        } else if (p instanceof MarketEvent m) {
            if (accept(m.eventTimeMs())) {
                minutes.feedMessage(m.eventTimeMs(), m.symbol());
            }
        }
        closeUpTo(event.timeNanos() / 1_000_000L - graceMs);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.cancel();
        }
        closeUpTo(ctx.clock().millis() - graceMs);
        // the last, partial minute(s): emitted so that every row the sinks hold is in some minute
        while (minutes.lastMinute() >= next) {
            closeNext();
        }
        metrics.fact("final_minute_partial", true);
    }

    @Override
    public HealthReport health() {
        return new HealthReport(io.soak.api.stage.HealthState.HEALTHY, "",
                Map.of("next_minute_ms", next, "closed", closed, "late_events", late));
    }

    private boolean accept(long tsMs) {
        if (tsMs > ctx.clock().millis() + maxAheadMs) {
            metrics.increment("out_of_range_events");
            return false;
        }
        if (MinuteAccumulator.minuteOf(tsMs) < next) {
            late++;
            metrics.increment("late_events");
            return false;
        }
        return true;
    }

    /** Closes every minute that ended at or before {@code watermarkMs}. */
    private void closeUpTo(long watermarkMs) {
        skipEmpty(watermarkMs);
        boolean any = false;
        while (next + MINUTE <= watermarkMs) {
            closeNext();
            any = true;
        }
        if (any) {
            schedule();
        }
    }

    /** Moves {@link #next} over a run of more than {@link #MAX_EMPTY_MINUTES} empty minutes without building them. */
    private void skipEmpty(long watermarkMs) {
        long lastToClose = MinuteAccumulator.minuteOf(watermarkMs) - MINUTE;
        if (lastToClose - next <= MAX_EMPTY_MINUTES * MINUTE) {
            return;
        }
        long first = minutes.firstMinute();
        long to = Math.max(next, lastToClose - MAX_EMPTY_MINUTES * MINUTE);
        if (first >= 0) {
            to = Math.min(to, Math.max(next, first - MAX_EMPTY_MINUTES * MINUTE));
        }
        if (to > next) {
            metrics.add("minutes_skipped", (to - next) / MINUTE);
            latency.forget(next);
            next = to;
        }
    }

    private void closeNext() {
        long m = next;
        List<MinuteStats> rows = minutes.close(m, latency::percentiles);
        latency.forget(m);
        next = m + MINUTE;
        for (MinuteStats s : rows) {
            ctx.emit(Topics.MINUTE, s); // per symbol first, all last
        }
        MinuteStats all = rows.get(rows.size() - 1);
        closed++;
        total += all.total();
        strong += all.strong();
        decisions += all.decisions();
        metrics.increment("closed");
        metrics.add("total", all.total());
        metrics.add("strong", all.strong());
        metrics.add("decisions", all.decisions());
        metrics.gauge("strong_ratio", ratio(strong, total));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("closed", closed);
        summary.put("decisions", decisions);
        summary.put("total", total);
        summary.put("strong", strong);
        summary.put("strong_ratio", ratio(strong, total));
        summary.put("late_events", late);
        summary.put("last_minute_ms", m);
        metrics.fact("summary", java.util.Collections.unmodifiableMap(summary));
    }

    private void schedule() {
        if (timer != null) {
            timer.cancel();
        }
        long at = next + MINUTE + graceMs + idleMs;
        timer = ctx.scheduler().scheduleAt(at * 1_000_000L, () -> {
            timer = null;
            closeUpTo(ctx.clock().millis() - idleMs - graceMs);
            if (timer == null) {
                schedule();
            }
        });
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : (double) part / whole;
    }
}
