package io.soak.stats;

import io.soak.api.stats.MinuteStats;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import io.soak.api.signal.Decision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Accumulates the statistics of many minutes of event time, per symbol, from decisions, orders, fills and
 * feed messages, and turns them into {@link MinuteStats} rows: per symbol (sorted) first, then {@code all}
 * last, with zeros for a minute or symbol without data. Pure (no clock, no I/O), not thread-safe. The
 * report stage closes minutes one by one as time passes; the host recomputes whole runs from sink rows.
 */
public final class MinuteAccumulator {

    public static final long MINUTE_MS = 60_000L;

    private final TreeMap<Long, TreeMap<String, MinuteCounts>> minutes = new TreeMap<>();
    private final TreeSet<String> symbols = new TreeSet<>();

    /** An accumulator that reports at least these symbols in every minute (others are added when seen). */
    public MinuteAccumulator(Collection<String> knownSymbols) {
        knownSymbols.forEach(this::symbol);
    }

    public MinuteAccumulator() {
        this(List.of());
    }

    /** Start of the minute (UTC, ms) holding {@code tsMs}. */
    public static long minuteOf(long tsMs) {
        return Math.floorDiv(tsMs, MINUTE_MS) * MINUTE_MS;
    }

    public void decision(Decision d) {
        counts(d.tsMs(), d.symbol()).decision(d);
    }

    /** A decision from the fields of a persisted row. */
    public void decision(long tsMs, String symbol, boolean confirm, boolean strong, String signalType,
                         Iterable<String> guardReasons) {
        counts(tsMs, symbol).decision(confirm, strong, signalType, guardReasons);
    }

    public void order(Order o) {
        order(o.tsMs(), o.symbol());
    }

    public void order(long tsMs, String symbol) {
        counts(tsMs, symbol).order();
    }

    public void fill(Fill f) {
        fill(f.tsMs(), f.symbol());
    }

    public void fill(long tsMs, String symbol) {
        counts(tsMs, symbol).fill();
    }

    public void feedMessage(long tsMs, String symbol) {
        counts(tsMs, symbol).feedMessage();
    }

    /** Makes {@code symbol} appear (with zeros) in every minute from now on. */
    public void symbol(String symbol) {
        if (symbol != null && !symbol.isEmpty() && !MinuteStats.ALL.equals(symbol)) {
            symbols.add(symbol);
        }
    }

    /** Symbols reported so far, sorted. */
    public List<String> symbols() {
        return List.copyOf(symbols);
    }

    /** The earliest minute holding data, or -1. */
    public long firstMinute() {
        return minutes.isEmpty() ? -1 : minutes.firstKey();
    }

    /** The latest minute holding data, or -1. */
    public long lastMinute() {
        return minutes.isEmpty() ? -1 : minutes.lastKey();
    }

    /** True when some minute before {@code minuteStartMs} still holds data. */
    public boolean hasDataBefore(long minuteStartMs) {
        return !minutes.isEmpty() && minutes.firstKey() < minuteStartMs;
    }

    /**
     * Removes minute {@code minuteStartMs} and returns its rows: one per known symbol (sorted), then
     * {@code all}. A minute without data gives zeros.
     *
     * @param latency per-symbol latency percentiles ({@code symbol} or {@code all}); may return null or empty
     */
    public List<MinuteStats> close(long minuteStartMs, BiFunction<Long, String, Map<String, Double>> latency) {
        TreeMap<String, MinuteCounts> bySymbol = minutes.remove(minuteStartMs);
        if (bySymbol == null) {
            bySymbol = new TreeMap<>();
        }
        List<MinuteStats> out = new ArrayList<>(symbols.size() + 1);
        MinuteCounts all = new MinuteCounts();
        for (String s : symbols) {
            MinuteCounts c = bySymbol.getOrDefault(s, new MinuteCounts());
            all.add(c);
            out.add(c.toStats(minuteStartMs, s, latencyOf(latency, minuteStartMs, s)));
        }
        out.add(all.toStats(minuteStartMs, MinuteStats.ALL, latencyOf(latency, minuteStartMs, MinuteStats.ALL)));
        return out;
    }

    /** Closes every minute from {@link #firstMinute()} to {@link #lastMinute()} (gaps as zeros), in order. */
    public List<List<MinuteStats>> closeAll(BiFunction<Long, String, Map<String, Double>> latency) {
        List<List<MinuteStats>> out = new ArrayList<>();
        if (minutes.isEmpty()) {
            return out;
        }
        long last = minutes.lastKey();
        for (long m = minutes.firstKey(); m <= last; m += MINUTE_MS) {
            out.add(close(m, latency));
        }
        return out;
    }

    private static Map<String, Double> latencyOf(BiFunction<Long, String, Map<String, Double>> latency, long minute,
                                                 String symbol) {
        if (latency == null) {
            return Map.of();
        }
        Map<String, Double> m = latency.apply(minute, symbol);
        return m == null ? Map.of() : m;
    }

    private MinuteCounts counts(long tsMs, String symbol) {
        String s = symbol == null || symbol.isEmpty() ? "_" : symbol;
        symbol(s);
        return minutes.computeIfAbsent(minuteOf(tsMs), k -> new TreeMap<>())
                .computeIfAbsent(s, k -> new MinuteCounts());
    }
}
