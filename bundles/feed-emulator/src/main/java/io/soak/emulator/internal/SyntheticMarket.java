package io.soak.emulator.internal;

import io.soak.api.source.RawMessage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A seeded synthetic Binance USDT-M market: for each symbol, trades ({@code @aggTrade} and/or {@code @trade}),
 * {@code @bookTicker} and partial books ({@code @depth5@100ms}, also 10/20) as combined-stream envelopes,
 * with realistic rates and spreads, moving through regimes: {@code normal}, {@code active} (fast trading,
 * trend), {@code quiet} (few trades), {@code one_sided_buy}/{@code one_sided_sell} (order flow and book
 * pressure agree), {@code disagreement} (takers buy while every trade moves the book one tick against
 * them: OFI and CVD disagree); and, only through a {@code phases} schedule, {@code silent} (no trades) and
 * {@code weak} (small trades the book follows: consistent, moderate scores). A schedule of phases applies
 * regimes in order on feed time, then the own cycle continues. The same seed, symbols, streams, start and
 * phases give the same messages, byte for byte.
 *
 * <p>Clocks: exchange times {@code E}/{@code T} follow a virtual timeline from {@code startMs}; the local
 * receive time of each message is its event time plus a seeded network lag of 5–40 ms. Not thread-safe.
 */
final class SyntheticMarket {

    enum Regime {
        NORMAL(2.0, 0.5, 0.0, 1.0), ACTIVE(8.0, 0.55, 0.6, 1.0), QUIET(0.4, 0.5, 0.0, 1.0),
        ONE_SIDED_BUY(5.0, 0.8, 1.5, 2.2), ONE_SIDED_SELL(5.0, 0.2, -1.5, 0.45),
        /** Takers mostly buy while the book steps away from them (see {@link #coupling}): OFI and CVD disagree. */
        DISAGREEMENT(4.0, 0.72, -1.0, 0.5, -1, 1.0, 0.0),
        /** No trades at all; the book keeps updating. */
        SILENT(0.0, 0.5, 0.0, 1.0),
        /** Small trades that the book follows by one tick: consistent, moderate scores, hardly any strong. */
        WEAK(2.5, 0.5, 0.0, 1.0, 1, 0.6, 0.25);

        final double tradesPerSecond;
        final double takerBuyProbability;
        final double driftTicksPerSecond;
        final double bidAskQtyRatio;
        /**
         * 0: the book moves on its own (drift, noise, random refills; the historic regimes). +1 / −1: the book
         * moves only with the trades — each trade shifts every level by one tick with (+1) or against (−1)
         * the taker, published (depth and ticker) with the trade's own receive time just before it, at
         * constant level quantities; trades are paced one per signal evaluation. So each sample's OFI has
         * the sign of its CVD (+1) or the opposite one (−1), whatever the rest of the window looks like.
         */
        final int coupling;
        /** Coupled regimes: the constant quantity of every book level, in typical trade quantities. */
        final double levelQty;
        /** Coupled regimes: the trade quantity in typical trade quantities (±10 %); 0 = the usual spread. */
        final double tradeQty;

        Regime(double tps, double buyP, double drift, double ratio) {
            this(tps, buyP, drift, ratio, 0, 0, 0);
        }

        Regime(double tps, double buyP, double drift, double ratio, int coupling, double levelQty, double tradeQty) {
            this.tradesPerSecond = tps;
            this.takerBuyProbability = buyP;
            this.driftTicksPerSecond = drift;
            this.bidAskQtyRatio = ratio;
            this.coupling = coupling;
            this.levelQty = levelQty;
            this.tradeQty = tradeQty;
        }

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Regime parse(String id) {
            for (Regime r : values()) {
                if (r.id().equals(id)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown regime '" + id + "' (known: " + java.util.Arrays.stream(values())
                    .map(Regime::id).collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
    }

    /** One entry of the {@code phases} schedule: a regime held for a duration of feed time. */
    record Phase(long durationMs, Regime regime) {
        Phase {
            if (durationMs <= 0) {
                throw new IllegalArgumentException("a phase needs a positive duration, got " + durationMs + " ms");
            }
        }

        /** {@code "<duration> <regime>"}, duration as {@code 90s}, {@code 5m}, {@code 1h} or {@code 500ms}. */
        static Phase parse(String text) {
            String[] parts = text.trim().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("phase '" + text + "' must be \"<duration> <regime>\", e.g. '5m silent'");
            }
            return new Phase(durationMs(parts[0], text), Regime.parse(parts[1].toLowerCase(Locale.ROOT)));
        }

        private static long durationMs(String d, String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(d);
            if (!m.matches()) {
                throw new IllegalArgumentException("phase '" + text + "': duration '" + d + "' must be like 500ms, 90s, 5m, 1h");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> n;
                case "s" -> n * 1_000L;
                case "m" -> n * 60_000L;
                default -> n * 3_600_000L;
            };
        }

        String text() {
            long ms = durationMs;
            String d = ms % 3_600_000L == 0 ? ms / 3_600_000L + "h" : ms % 60_000L == 0 ? ms / 60_000L + "m"
                    : ms % 1_000L == 0 ? ms / 1_000L + "s" : ms + "ms";
            return d + " " + regime.id();
        }
    }

    private static final Regime[] CYCLE = {Regime.NORMAL, Regime.ACTIVE, Regime.ONE_SIDED_BUY, Regime.QUIET,
            Regime.DISAGREEMENT, Regime.ACTIVE, Regime.ONE_SIDED_SELL, Regime.NORMAL, Regime.QUIET};

    /** Per-symbol constants: reference price and tick size (quote), quantity step. */
    private record Spec(double price, int priceScale, int qtyScale, double typicalQty) {
    }

    private static final Map<String, Spec> SPECS = Map.of(
            "BTCUSDT", new Spec(60_000, 1, 3, 0.05),
            "ETHUSDT", new Spec(3_000, 2, 3, 0.8),
            "BNBUSDT", new Spec(550, 2, 2, 2),
            "SOLUSDT", new Spec(150, 2, 1, 10),
            "XRPUSDT", new Spec(0.55, 4, 1, 2000),
            "DOGEUSDT", new Spec(0.1, 5, 0, 10_000));

    /** One symbol's state. */
    private final class Sym {
        final String symbol;
        final String lower;
        final Spec spec;
        final SplittableRandom rnd;
        long midTicks; // mid in half ticks to allow 1-tick spreads around it
        int spreadTicks = 1;
        long updateId;
        long aggId;
        long tradeId;
        long nextTradeMs;
        long nextTickerMs;
        long nextDepthMs;
        Regime regime = Regime.NORMAL;
        long regimeEndsMs;
        int cycle;
        int phase; // index into phases; phases.size() once the schedule is over
        double driftCarry;
        final double[] bidQ = new double[20];
        final double[] askQ = new double[20];

        Sym(String symbol, long seed) {
            this.symbol = symbol;
            this.lower = symbol.toLowerCase(Locale.ROOT);
            this.spec = SPECS.getOrDefault(symbol, new Spec(100, 2, 2, 5));
            this.rnd = new SplittableRandom(seed ^ (symbol.hashCode() * 0x9E3779B97F4A7C15L));
            this.midTicks = Math.round(spec.price * Math.pow(10, spec.priceScale));
            this.updateId = 1_000_000_000L + rnd.nextLong(1_000_000);
            this.aggId = 100_000_000L + rnd.nextLong(1_000_000);
            this.tradeId = 3 * aggId;
            this.cycle = rnd.nextInt(CYCLE.length);
            this.regime = CYCLE[cycle];
            this.regimeEndsMs = startMs + 60_000 + rnd.nextLong(120_000);
            for (int i = 0; i < 20; i++) {
                bidQ[i] = qty();
                askQ[i] = qty();
            }
            if (!phases.isEmpty()) {
                this.regime = phases.get(0).regime();
                this.regimeEndsMs = startMs + phases.get(0).durationMs();
                enter();
            }
            nextTradeMs = nextTradeAfter(startMs);
            nextTickerMs = startMs + rnd.nextLong(50);
            nextDepthMs = startMs + 100;
        }

        double qty() {
            return spec.typicalQty * (0.2 + rnd.nextDouble() * 2.0);
        }

        long expMs(double perSecond) {
            return Math.max(1, Math.round(-Math.log(1 - rnd.nextDouble()) * 1000.0 / perSecond));
        }

        /**
         * When the trade after one at {@code t} happens: Poisson arrivals; paced (one trade per signal evaluation)
         * in coupled regimes; none before the regime ends in a regime without trades.
         */
        long nextTradeAfter(long t) {
            if (!(regime.tradesPerSecond > 0)) {
                return Math.max(t + 1, regimeEndsMs);
            }
            if (regime.coupling != 0) {
                // on the 100 ms grid of the depth updates, so that the trade's book goes out in that update
                long at = t + Math.max(PACED_MIN_GAP_MS, Math.round(1000.0 / regime.tradesPerSecond * (0.85 + 0.3 * rnd.nextDouble())));
                return startMs + Math.floorDiv(at - startMs + 99, 100) * 100;
            }
            return t + expMs(regime.tradesPerSecond);
        }

        /** Entering a regime: a coupled one starts from a flat book of constant level quantities. */
        void enter() {
            if (regime.coupling != 0) {
                java.util.Arrays.fill(bidQ, spec.typicalQty * regime.levelQty);
                java.util.Arrays.fill(askQ, spec.typicalQty * regime.levelQty);
                spreadTicks = 1;
                driftCarry = 0;
            }
        }

        /** The regime after the current one: the next phase while the schedule lasts, then the own cycle. */
        void nextRegime(long t) {
            if (phase < phases.size()) {
                phase++;
            }
            if (phase < phases.size()) {
                regime = phases.get(phase).regime();
                regimeEndsMs += phases.get(phase).durationMs(); // on the schedule, not on the event grid
            } else {
                cycle = (cycle + 1) % CYCLE.length;
                regime = CYCLE[cycle];
                regimeEndsMs = t + 60_000 + rnd.nextLong(150_000);
            }
            enter();
        }

        long next() {
            return Math.min(nextTradeMs, Math.min(nextTickerMs, nextDepthMs));
        }
    }

    private record Pending(long recvNanos, long order, String text) {
    }

    /** Coupled regimes space trades at least this far apart: above the signal stage's 250 ms decision interval. */
    static final long PACED_MIN_GAP_MS = 270;

    private final long startMs;
    private final List<Phase> phases;
    private final List<String> streams;
    private final List<Sym> symbols = new ArrayList<>();
    private final PriorityQueue<Pending> out = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(a.recvNanos, b.recvNanos);
        return c != 0 ? c : Long.compare(a.order, b.order);
    });
    private final SplittableRandom lagRnd;
    private long order;
    private long generated;
    private final Map<String, Long> perStream = new TreeMap<>();

    /**
     * @param streams stream kinds to produce, from {@code aggTrade}, {@code trade}, {@code bookTicker},
     *                {@code depth5@100ms}, {@code depth10@100ms}, {@code depth20@100ms}; empty = trade,
     *                bookTicker, depth5@100ms
     */
    SyntheticMarket(long seed, List<String> symbols, List<String> streams, long startMs) {
        this(seed, symbols, streams, startMs, List.of());
    }

    /**
     * @param phases regimes applied to every symbol in order from {@code startMs}, each for its duration of feed
     *               time; after the last one the generator's own seeded cycle continues. Empty = the cycle only
     *               (the historic behaviour, byte for byte).
     */
    SyntheticMarket(long seed, List<String> symbols, List<String> streams, long startMs, List<Phase> phases) {
        this.startMs = startMs;
        this.phases = List.copyOf(phases);
        this.streams = streams.isEmpty() ? List.of("trade", "bookTicker", "depth5@100ms") : List.copyOf(streams);
        this.lagRnd = new SplittableRandom(seed * 31 + 7);
        for (String s : symbols) {
            this.symbols.add(new Sym(s.toUpperCase(Locale.ROOT), seed));
        }
        if (this.symbols.isEmpty()) {
            throw new IllegalArgumentException("synthetic market needs at least one symbol");
        }
    }

    /** The next message in local receive time order; never null (the market never ends). */
    RawMessage next() {
        while (out.isEmpty() || out.peek().recvNanos > horizonNanos()) {
            step();
        }
        Pending p = out.poll();
        return new RawMessage(p.recvNanos, p.text);
    }

    /** Messages are generated in event time; receive time adds at most 40 ms, so anything older is final. */
    private long horizonNanos() {
        long minNext = Long.MAX_VALUE;
        for (Sym s : symbols) {
            minNext = Math.min(minNext, s.next());
        }
        return minNext * 1_000_000L;
    }

    private void step() {
        Sym s = symbols.get(0);
        for (Sym c : symbols) {
            if (c.next() < s.next()) {
                s = c;
            }
        }
        long t = s.next();
        while (t >= s.regimeEndsMs) {
            s.nextRegime(t);
        }
        if (t == s.nextTradeMs) {
            if (s.regime.tradesPerSecond > 0) {
                trade(s, t);
            }
            s.nextTradeMs = s.nextTradeAfter(t);
        } else if (t == s.nextTickerMs) {
            moveBook(s, t);
            if (streams.contains("bookTicker")) {
                emit(s, t, "bookTicker", bookTicker(s, t));
            }
            s.nextTickerMs = t + s.expMs(s.regime == Regime.QUIET ? 3 : 12);
        } else {
            for (String st : streams) {
                if (st.startsWith("depth5") || st.startsWith("depth10") || st.startsWith("depth20")) {
                    int levels = st.startsWith("depth5") ? 5 : st.startsWith("depth10") ? 10 : 20;
                    emit(s, t, st, depth(s, t, levels));
                }
            }
            s.nextDepthMs = t + 100;
        }
    }

    private void moveBook(Sym s, long t) {
        if (s.regime.coupling != 0) {
            s.updateId += 1 + s.rnd.nextInt(40); // a coupled book moves only with the trades
            return;
        }
        // drift in ticks per second of the regime, plus noise; spread mostly one tick
        s.driftCarry += s.regime.driftTicksPerSecond / 12.0 + (s.rnd.nextDouble() - 0.5) * 1.2;
        long move = (long) s.driftCarry;
        s.driftCarry -= move;
        s.midTicks += move;
        double r = s.rnd.nextDouble();
        s.spreadTicks = r < 0.85 ? 1 : r < 0.97 ? 2 : 3;
        double ratio = s.regime.bidAskQtyRatio;
        for (int i = 0; i < 20; i++) {
            if (s.rnd.nextDouble() < 0.35) {
                s.bidQ[i] = s.qty() * Math.sqrt(ratio);
            }
            if (s.rnd.nextDouble() < 0.35) {
                s.askQ[i] = s.qty() / Math.sqrt(ratio);
            }
        }
        s.updateId += 1 + s.rnd.nextInt(40);
    }

    private long bestBid(Sym s) {
        return s.midTicks;
    }

    private long bestAsk(Sym s) {
        return s.midTicks + s.spreadTicks;
    }

    private void trade(Sym s, long t) {
        if (s.regime.coupling != 0) {
            coupledTrade(s, t);
            return;
        }
        boolean takerBuy = s.rnd.nextDouble() < s.regime.takerBuyProbability;
        long px = takerBuy ? bestAsk(s) : bestBid(s);
        double q = s.qty() * (0.05 + s.rnd.nextDouble() * 0.6);
        emitTrade(s, t, takerBuy, px, q, -1);
        // a taker consumes liquidity at the touch
        if (takerBuy) {
            s.askQ[0] = Math.max(s.spec.typicalQty * 0.05, s.askQ[0] - q);
        } else {
            s.bidQ[0] = Math.max(s.spec.typicalQty * 0.05, s.bidQ[0] - q);
        }
    }

    /**
     * A trade in a coupled regime, paced on the depth grid: the book shifts by one tick with (+1) or against (−1)
     * the taker, and this grid slot's depth update (or, without depth streams, a ticker) goes out with the
     * trade's receive time, just before the trade, so the signal stage scores the trade's CVD and the book's
     * OFI in the same sample. In {@code disagreement} one trade in ten moves the book with the taker, so that a
     * few decisions still confirm.
     */
    private void coupledTrade(Sym s, long t) {
        Regime r = s.regime;
        boolean takerBuy = s.rnd.nextDouble() < r.takerBuyProbability;
        long px = takerBuy ? bestAsk(s) : bestBid(s);
        double q = r.tradeQty > 0 ? s.spec.typicalQty * r.tradeQty * (0.9 + 0.2 * s.rnd.nextDouble())
                : s.qty() * (0.05 + s.rnd.nextDouble() * 0.6);
        int coupling = r.coupling < 0 && s.rnd.nextDouble() < 0.1 ? 1 : r.coupling;
        s.midTicks += (takerBuy ? 1 : -1) * coupling;
        s.updateId += 1 + s.rnd.nextInt(40);
        long recv = t * 1_000_000L + 5_000_000L + lagRnd.nextLong(35_000_000L);
        boolean depthStreams = false;
        for (String st : streams) {
            if (st.startsWith("depth5") || st.startsWith("depth10") || st.startsWith("depth20")) {
                depthStreams = true;
                if (s.nextDepthMs == t) {
                    int levels = st.startsWith("depth5") ? 5 : st.startsWith("depth10") ? 10 : 20;
                    emitAt(s, recv, st, depth(s, t, levels));
                }
            }
        }
        if (depthStreams && s.nextDepthMs == t) {
            s.nextDepthMs = t + 100;
        } else if (!depthStreams && streams.contains("bookTicker")) {
            emitAt(s, recv, "bookTicker", bookTicker(s, t));
        }
        emitTrade(s, t, takerBuy, px, q, recv);
    }

    /** Emits the trade streams; {@code recvNanos} −1 draws the usual network lag. */
    private void emitTrade(Sym s, long t, boolean takerBuy, long px, double q, long recvNanos) {
        String price = price(s, px);
        String qty = qty(s, q);
        String m = takerBuy ? "false" : "true";
        s.aggId++;
        long first = s.tradeId + 1;
        int fills = 1 + s.rnd.nextInt(3);
        s.tradeId += fills;
        if (streams.contains("aggTrade")) {
            emit(s, t, recvNanos, "aggTrade", "{\"e\":\"aggTrade\",\"E\":" + t + ",\"a\":" + s.aggId + ",\"s\":\"" + s.symbol
                    + "\",\"p\":\"" + price + "\",\"q\":\"" + qty + "\",\"f\":" + first + ",\"l\":" + s.tradeId
                    + ",\"T\":" + t + ",\"m\":" + m + "}");
        }
        if (streams.contains("trade")) {
            emit(s, t, recvNanos, "trade", "{\"e\":\"trade\",\"E\":" + t + ",\"T\":" + t + ",\"s\":\"" + s.symbol + "\",\"t\":"
                    + s.tradeId + ",\"p\":\"" + price + "\",\"q\":\"" + qty + "\",\"X\":\"MARKET\",\"m\":" + m + "}");
        }
    }

    private String bookTicker(Sym s, long t) {
        return "{\"e\":\"bookTicker\",\"u\":" + s.updateId + ",\"s\":\"" + s.symbol + "\",\"b\":\"" + price(s, bestBid(s))
                + "\",\"B\":\"" + qty(s, s.bidQ[0]) + "\",\"a\":\"" + price(s, bestAsk(s)) + "\",\"A\":\""
                + qty(s, s.askQ[0]) + "\",\"T\":" + t + ",\"E\":" + t + "}";
    }

    private String depth(Sym s, long t, int levels) {
        long pu = s.updateId;
        s.updateId += 1 + s.rnd.nextInt(20);
        StringBuilder b = new StringBuilder(96 + levels * 40);
        b.append("{\"e\":\"depthUpdate\",\"E\":").append(t).append(",\"T\":").append(t).append(",\"s\":\"")
                .append(s.symbol).append("\",\"U\":").append(pu + 1).append(",\"u\":").append(s.updateId)
                .append(",\"pu\":").append(pu).append(",\"b\":[");
        for (int i = 0; i < levels; i++) {
            b.append(i == 0 ? "" : ",").append("[\"").append(price(s, bestBid(s) - i)).append("\",\"")
                    .append(qty(s, s.bidQ[i])).append("\"]");
        }
        b.append("],\"a\":[");
        for (int i = 0; i < levels; i++) {
            b.append(i == 0 ? "" : ",").append("[\"").append(price(s, bestAsk(s) + i)).append("\",\"")
                    .append(qty(s, s.askQ[i])).append("\"]");
        }
        return b.append("]}").toString();
    }

    private void emit(Sym s, long eventMs, String stream, String data) {
        emitAt(s, eventMs * 1_000_000L + 5_000_000L + lagRnd.nextLong(35_000_000L), stream, data);
    }

    private void emit(Sym s, long eventMs, long recvNanos, String stream, String data) {
        if (recvNanos < 0) {
            emit(s, eventMs, stream, data);
        } else {
            emitAt(s, recvNanos, stream, data);
        }
    }

    private void emitAt(Sym s, long recv, String stream, String data) {
        String name = s.lower + "@" + stream;
        out.add(new Pending(recv, order++, "{\"stream\":\"" + name + "\",\"data\":" + data + "}"));
        generated++;
        perStream.merge(name, 1L, Long::sum);
    }

    private static String price(Sym s, long ticks) {
        return BigDecimal.valueOf(ticks, s.spec.priceScale).toPlainString();
    }

    private static String qty(Sym s, double q) {
        return BigDecimal.valueOf(Math.max(1, Math.round(q * Math.pow(10, s.spec.qtyScale))), s.spec.qtyScale).toPlainString();
    }

    /** Current regime of every symbol. */
    Map<String, String> regimes() {
        Map<String, String> m = new LinkedHashMap<>();
        symbols.forEach(s -> m.put(s.symbol, s.regime.id()));
        return m;
    }

    Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("symbols", symbols.stream().map(s -> s.symbol).toList());
        d.put("streams", streams);
        d.put("start_ms", startMs);
        d.put("generated", generated);
        d.put("messages_per_stream", new TreeMap<>(perStream));
        d.put("regimes_now", regimes());
        d.put("phases", phases.stream().map(Phase::text).toList());
        d.put("clock", "virtual exchange time from start_ms; receive time = event time + 5..40 ms seeded lag");
        return d;
    }
}
