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
 * pressure agree), {@code disagreement} (takers buy while the book leans to the ask side: OFI and CVD
 * disagree). The same seed, symbols, streams and start give the same messages, byte for byte.
 *
 * <p>Clocks: exchange times {@code E}/{@code T} follow a virtual timeline from {@code startMs}; the local
 * receive time of each message is its event time plus a seeded network lag of 5–40 ms. Not thread-safe.
 */
final class SyntheticMarket {

    enum Regime {
        NORMAL(2.0, 0.5, 0.0, 1.0), ACTIVE(8.0, 0.55, 0.6, 1.0), QUIET(0.4, 0.5, 0.0, 1.0),
        ONE_SIDED_BUY(5.0, 0.8, 1.5, 2.2), ONE_SIDED_SELL(5.0, 0.2, -1.5, 0.45), DISAGREEMENT(4.0, 0.72, -1.0, 0.5);

        final double tradesPerSecond;
        final double takerBuyProbability;
        final double driftTicksPerSecond;
        final double bidAskQtyRatio;

        Regime(double tps, double buyP, double drift, double ratio) {
            this.tradesPerSecond = tps;
            this.takerBuyProbability = buyP;
            this.driftTicksPerSecond = drift;
            this.bidAskQtyRatio = ratio;
        }

        String id() {
            return name().toLowerCase(Locale.ROOT);
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
            nextTradeMs = startMs + expMs(regime.tradesPerSecond);
            nextTickerMs = startMs + rnd.nextLong(50);
            nextDepthMs = startMs + 100;
        }

        double qty() {
            return spec.typicalQty * (0.2 + rnd.nextDouble() * 2.0);
        }

        long expMs(double perSecond) {
            return Math.max(1, Math.round(-Math.log(1 - rnd.nextDouble()) * 1000.0 / perSecond));
        }

        long next() {
            return Math.min(nextTradeMs, Math.min(nextTickerMs, nextDepthMs));
        }
    }

    private record Pending(long recvNanos, long order, String text) {
    }

    private final long startMs;
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
        this.startMs = startMs;
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
        if (t >= s.regimeEndsMs) {
            s.cycle = (s.cycle + 1) % CYCLE.length;
            s.regime = CYCLE[s.cycle];
            s.regimeEndsMs = t + 60_000 + s.rnd.nextLong(150_000);
        }
        if (t == s.nextTradeMs) {
            trade(s, t);
            s.nextTradeMs = t + s.expMs(s.regime.tradesPerSecond);
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
        boolean takerBuy = s.rnd.nextDouble() < s.regime.takerBuyProbability;
        long px = takerBuy ? bestAsk(s) : bestBid(s);
        double q = s.qty() * (0.05 + s.rnd.nextDouble() * 0.6);
        String price = price(s, px);
        String qty = qty(s, q);
        String m = takerBuy ? "false" : "true";
        s.aggId++;
        long first = s.tradeId + 1;
        int fills = 1 + s.rnd.nextInt(3);
        s.tradeId += fills;
        if (streams.contains("aggTrade")) {
            emit(s, t, "aggTrade", "{\"e\":\"aggTrade\",\"E\":" + t + ",\"a\":" + s.aggId + ",\"s\":\"" + s.symbol
                    + "\",\"p\":\"" + price + "\",\"q\":\"" + qty + "\",\"f\":" + first + ",\"l\":" + s.tradeId
                    + ",\"T\":" + t + ",\"m\":" + m + "}");
        }
        if (streams.contains("trade")) {
            emit(s, t, "trade", "{\"e\":\"trade\",\"E\":" + t + ",\"T\":" + t + ",\"s\":\"" + s.symbol + "\",\"t\":"
                    + s.tradeId + ",\"p\":\"" + price + "\",\"q\":\"" + qty + "\",\"X\":\"MARKET\",\"m\":" + m + "}");
        }
        // a taker consumes liquidity at the touch
        if (takerBuy) {
            s.askQ[0] = Math.max(s.spec.typicalQty * 0.05, s.askQ[0] - q);
        } else {
            s.bidQ[0] = Math.max(s.spec.typicalQty * 0.05, s.bidQ[0] - q);
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
        String name = s.lower + "@" + stream;
        long recv = eventMs * 1_000_000L + 5_000_000L + lagRnd.nextLong(35_000_000L);
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
        d.put("clock", "virtual exchange time from start_ms; receive time = event time + 5..40 ms seeded lag");
        return d;
    }
}
