package io.soak.harvest.internal;

import io.soak.api.plan.Mode;
import io.soak.api.source.RawMessage;
import io.soak.api.stage.Envelope;
import io.soak.api.stage.HealthReport;
import io.soak.api.stage.HealthState;
import io.soak.api.stage.Settings;
import io.soak.api.stage.Stage;
import io.soak.api.stage.StageContext;
import io.soak.api.stage.StageMetrics;
import io.soak.api.stage.Topics;
import io.soak.api.time.Cancellable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The harvest stage: raw messages in, market events out. Time only from the engine (clock for "now",
 * scheduler for the freshness check and the facts refresh); counters straight into the engine-owned metrics
 * so they survive restarts. Settings (scope {@code harvest}): {@code substream_timeout.trades_s} (150),
 * {@code substream_timeout.book_s} (180), {@code substream_timeout.check_s} (1), {@code dedupe.ids_per_symbol}
 * (65536), {@code depth.top_levels} (5), {@code facts.interval_s} (5), {@code time_bounds.max_skew_s} (86400: an
 * exchange time further than that from the receive time is a parse error {@code time_out_of_range}); in live mode the substreams of
 * {@code source.symbols} × {@code source.streams} (the plan's subscription, given by the engine; else
 * {@code symbols} × {@code streams}) are watched from the start (otherwise from their first message).
 */
final class HarvestStage implements Stage {

    private StageContext ctx;
    private StageMetrics metrics;
    private Harvester harvester;
    private SubstreamMonitor monitor;
    private final List<Object> timeouts = new ArrayList<>();
    private final List<Cancellable> timers = new ArrayList<>();

    @Override
    public void start(StageContext context) {
        this.ctx = context;
        this.metrics = context.metrics();
        Settings s = context.config();
        long tradesNs = seconds(s, "substream_timeout.trades_s", s.decimal("substream_timeout_s.trades", 150));
        long bookNs = seconds(s, "substream_timeout.book_s", s.decimal("substream_timeout_s.book", 180));
        long checkNs = Math.max(10_000_000L, seconds(s, "substream_timeout.check_s", 1));
        long factsNs = Math.max(100_000_000L, seconds(s, "facts.interval_s", 5));
        harvester = new Harvester(metrics, e -> ctx.emit(Topics.MARKET, e),
                (int) s.integer("dedupe.ids_per_symbol", s.integer("dedupe.window", 65_536)), (int) s.integer("depth.top_levels", 5),
                seconds(s, "time_bounds.max_skew_s", Harvester.DEFAULT_MAX_SKEW_MS / 1000.0) / 1_000_000L);
        monitor = new SubstreamMonitor(tradesNs, bookNs);
        long now = context.clock().nanos();
        // live: the subscribed substreams are watched from the start (one that never sends is caught too);
        // replay: a substream is watched from its first message (a capture need not hold every configured stream)
        boolean watchFromStart = s.flag("substream_timeout.watch_from_start", context.mode() == Mode.LIVE);
        // the plan's subscription (source.symbols/streams, given by the engine) first, else harvest.symbols/streams
        for (String sym : watchFromStart ? s.list("source.symbols", s.list("symbols", List.of())) : List.<String>of()) {
            for (String st : s.list("source.streams", s.list("streams", List.of()))) {
                monitor.expect(new StreamInfo(sym.toLowerCase(Locale.ROOT) + "@" + st), now);
            }
        }
        // the SLO counters exist (at 0) from the start, so the manifest always shows them
        for (String c : new String[] {"parse_errors", "duplicates", "book_resyncs", "substream_timeout_count",
                "skipped_kinds", "book_crossed", "book_locked", "book_seams", "book_passes_synced", "book_passes_unsynced"}) {
            metrics.add(c, 0);
        }
        // a restarted instance continues the list its predecessor built (engine-owned facts)
        if (metrics.factValue("substream_timeouts") instanceof List<?> earlier) {
            timeouts.addAll(earlier);
        }
        timers.add(context.scheduler().scheduleAtFixedRate(checkNs, checkNs, this::check));
        timers.add(context.scheduler().scheduleAtFixedRate(factsNs, factsNs, this::publishFacts));
        publishFacts();
    }

    /** A duration setting in seconds (decimals allowed, e.g. 0.5), as nanoseconds. */
    private static long seconds(Settings s, String key, double fallback) {
        double v = s.decimal(key, fallback);
        if (!(v > 0)) {
            throw new IllegalArgumentException("setting '" + key + "' must be > 0 seconds, got " + v);
        }
        return (long) (v * 1e9);
    }

    @Override
    public void handle(Envelope event) {
        if (!(event.payload() instanceof RawMessage raw)) {
            metrics.increment("parse_errors");
            return;
        }
        StreamInfo stream = harvester.onRaw(raw);
        if (stream != null) {
            monitor.observe(stream, raw.receivedNanos());
        }
    }

    private void check() {
        List<SubstreamMonitor.Timeout> found = monitor.check(ctx.clock().nanos());
        if (found.isEmpty()) {
            return;
        }
        metrics.add("substream_timeout_count", found.size());
        timeouts.addAll(found);
        while (timeouts.size() > 100) { // bounded: the count keeps the total
            timeouts.remove(0);
        }
        publishTimeouts();
    }

    private void publishTimeouts() {
        metrics.fact("substream_timeouts", List.copyOf(timeouts));
        metrics.fact("substream_timeout_detected", metrics.counter("substream_timeout_count") > 0);
    }

    private void publishFacts() {
        metrics.fact("receive_lag_ms", harvester.lag().summary());
        metrics.fact("parse_errors_last", harvester.lastErrors());
        metrics.fact("books", harvester.bookStates());
        // this instance's emitted events (a restarted instance starts a new hash)
        metrics.fact("market_events", harvester.hash().count());
        metrics.fact("market_event_hash", harvester.hash().hex());
        publishTimeouts();
    }

    @Override
    public HealthReport health() {
        long now = ctx.clock().nanos();
        Map<String, Long> stale = monitor.stale(now);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("substream_age_ms", monitor.ages(now));
        if (stale.isEmpty()) {
            return new HealthReport(HealthState.HEALTHY, "", facts);
        }
        HealthState state = stale.size() == monitor.size() ? HealthState.UNHEALTHY : HealthState.DEGRADED;
        Map.Entry<String, Long> first = stale.entrySet().iterator().next();
        String detail = stale.size() + " substream(s) silent past their limit, e.g. " + first.getKey() + " for "
                + first.getValue() / 1000 + " s";
        return new HealthReport(state, detail, facts);
    }

    /** Dedupe memory and diff books move to the new version on a hot swap (counters are engine-owned anyway). */
    @Override
    public java.util.Optional<byte[]> snapshot() {
        try {
            return java.util.Optional.of(harvester.snapshot());
        } catch (java.io.IOException e) {
            metrics.increment("snapshot_errors");
            return java.util.Optional.empty();
        }
    }

    @Override
    public void restore(byte[] state) throws java.io.IOException {
        harvester.restore(state);
    }

    @Override
    public void stop() {
        check();
        publishFacts();
        timers.forEach(Cancellable::cancel);
        timers.clear();
    }
}
