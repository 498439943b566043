package io.soak.signal.internal;

import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.Trade;
import io.soak.api.signal.Decision;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the signal stage knows about one symbol: OFI and CVD accumulators, the two robust windows,
 * the primed previous books, trade activity, the regime with its hysteresis, and the decision dedupe.
 * Nothing here is shared with another symbol; memory is fixed by the configuration (window, levels,
 * activity buckets). Time is the events' own exchange event time only.
 *
 * <p>Samples: at every evaluation (a trade at least {@code decision.interval_ms} after the previous
 * evaluation) the OFI summed over the book updates since the previous evaluation, and the CVD change over
 * the same interval, are scored against the previous window and then added to it.
 */
final class SymbolState {

    static final long NONE = Long.MIN_VALUE;

    private final SignalConfig cfg;
    final String symbol;

    // gap detection / warm-up
    private long lastEventMs = NONE;
    private final RollingRobust ofiWindow;
    private final RollingRobust cvdWindow;
    private double ofiAcc;
    private double cvdAcc;
    private double cvd;

    // primed previous books (Cont-Kukanov-Stoikov needs the previous values)
    private boolean tickerPrimed;
    private double tPb;
    private double tQb;
    private double tPa;
    private double tQa;
    private int depthLevels; // 0 = not primed
    private final double[] dPb;
    private final double[] dQb;
    private final double[] dPa;
    private final double[] dQa;
    private long lastDepthMs = NONE;

    // top of book (newest of either source, by event time)
    private double bestBid;
    private double bestAsk;
    private long bookMs = NONE;

    // activity: trades per second of event time in fixed buckets
    private final long[] bucketSecond;
    private final int[] bucketCount;
    private long firstTradeMs = NONE;

    // regime hysteresis in time
    private String regime; // null until the first evaluation
    private String pendingRegime;
    private long pendingSinceMs = NONE;

    // decisions
    private long lastDecisionMs = NONE;
    private long lastDecisionEngineNanos = NONE;

    /** Counter names of this symbol, built once so that a decision does not concatenate strings. */
    static final class CounterNames {
        private final String symbol;
        private final String decisions;
        private final String confirmed;
        private final String strong;
        private final java.util.Map<String, String> byReason = new java.util.HashMap<>();
        private final java.util.Map<String, String> byRegime = new java.util.HashMap<>();

        CounterNames(String symbol) {
            this.symbol = symbol;
            decisions = "symbol_decisions." + symbol;
            confirmed = "symbol_confirmed." + symbol;
            strong = "symbol_strong." + symbol;
        }

        String decisions() {
            return decisions;
        }

        String confirmed() {
            return confirmed;
        }

        String strong() {
            return strong;
        }

        String guard(String reason) {
            return byReason.computeIfAbsent(reason, r -> "symbol_guard." + symbol + ":" + r);
        }

        String regime(String regime) {
            return byRegime.computeIfAbsent(regime, r -> "symbol_regime." + symbol + ":" + r);
        }
    }

    private final CounterNames counterNames;

    SymbolState(SignalConfig cfg, String symbol) {
        this.cfg = cfg;
        this.symbol = symbol;
        this.counterNames = new CounterNames(symbol);
        this.ofiWindow = new RollingRobust(cfg.zWindow());
        this.cvdWindow = new RollingRobust(cfg.zWindow());
        int levels = cfg.ofiWeights().length;
        dPb = new double[levels];
        dQb = new double[levels];
        dPa = new double[levels];
        dQa = new double[levels];
        int buckets = (int) (cfg.activityWindowMs() / 1000);
        bucketSecond = new long[buckets];
        bucketCount = new int[buckets];
        java.util.Arrays.fill(bucketSecond, NONE);
    }

    /** Cont-Kukanov-Stoikov contribution of one level (DOMAIN.md 2). */
    static double levelOfi(double pb, double qb, double pa, double qa, double pbPrev, double qbPrev,
                           double paPrev, double qaPrev) {
        double e = 0;
        if (pb >= pbPrev) {
            e += qb;
        }
        if (pb <= pbPrev) {
            e -= qbPrev;
        }
        if (pa <= paPrev) {
            e -= qa;
        }
        if (pa >= paPrev) {
            e += qaPrev;
        }
        return e;
    }

    void onTicker(BookTicker t) {
        touch(t.eventTimeMs());
        if (!(t.bidPrice() > 0) || !(t.askPrice() > 0)) {
            return;
        }
        if (tickerPrimed && !depthFresh(t.eventTimeMs())) {
            ofiAcc += levelOfi(t.bidPrice(), t.bidQuantity(), t.askPrice(), t.askQuantity(), tPb, tQb, tPa, tQa);
        }
        tPb = t.bidPrice();
        tQb = t.bidQuantity();
        tPa = t.askPrice();
        tQa = t.askQuantity();
        tickerPrimed = true;
        top(t.bidPrice(), t.askPrice(), t.eventTimeMs());
    }

    void onDepth(BookDepth d) {
        touch(d.eventTimeMs());
        int levels = Math.min(d.levels(), dPb.length);
        if (levels == 0 || !(d.bidPrices()[0] > 0) || !(d.askPrices()[0] > 0)) {
            return;
        }
        if (depthLevels > 0 && depthFresh(d.eventTimeMs())) {
            int used = Math.min(levels, depthLevels);
            double[] w = cfg.ofiWeights();
            double sumW = 0;
            double sum = 0;
            for (int k = 0; k < used; k++) {
                sumW += w[k];
                sum += w[k] * levelOfi(d.bidPrices()[k], d.bidQuantities()[k], d.askPrices()[k],
                        d.askQuantities()[k], dPb[k], dQb[k], dPa[k], dQa[k]);
            }
            ofiAcc += sum / sumW;
        }
        System.arraycopy(d.bidPrices(), 0, dPb, 0, levels);
        System.arraycopy(d.bidQuantities(), 0, dQb, 0, levels);
        System.arraycopy(d.askPrices(), 0, dPa, 0, levels);
        System.arraycopy(d.askQuantities(), 0, dQa, 0, levels);
        depthLevels = levels;
        lastDepthMs = lastDepthMs == NONE ? d.eventTimeMs() : Math.max(lastDepthMs, d.eventTimeMs());
        top(d.bidPrices()[0], d.askPrices()[0], d.eventTimeMs());
    }

    /** Applies a trade; returns a decision when one is due (at most one per decision interval), else null. */
    Decision onTrade(Trade t) {
        long ts = t.eventTimeMs();
        touch(ts);
        double delta = t.takerBuy() ? t.quantity() : -t.quantity();
        cvd += delta;
        cvdAcc += delta;
        countTrade(ts);
        if (lastDecisionMs != NONE && ts - lastDecisionMs < cfg.decisionIntervalMs()) {
            return null;
        }
        return evaluate(t);
    }

    private Decision evaluate(Trade t) {
        long ts = t.eventTimeMs();
        double xOfi = ofiAcc;
        double xCvd = cvdAcc;
        ofiAcc = 0;
        cvdAcc = 0;
        boolean warm = ofiWindow.size() >= cfg.zWarmup() && cvdWindow.size() >= cfg.zWarmup();
        double zOfi = warm ? clip(robustZ(ofiWindow, xOfi), cfg.clipOfi()) : 0.0;
        double zCvd = warm ? clip(robustZ(cvdWindow, xCvd), cfg.clipCvd()) : 0.0;
        ofiWindow.add(xOfi);
        cvdWindow.add(xCvd);

        String reg = updateRegime(ts, tradesPerSecond(ts));
        SignalConfig.Thresholds th = cfg.thresholds(reg);
        double score = fusion(zOfi, zCvd);
        double consistency = consistency(zOfi, zCvd);
        boolean hasBook = bookMs != NONE;
        double spreadBps = hasBook ? spreadBps(bestBid, bestAsk) : 0.0;
        double lagSec = (t.receivedNanos() - ts * 1_000_000L) / 1e9;

        List<String> reasons = new ArrayList<>(6);
        if (!warm) {
            reasons.add("warmup");
        }
        if (spreadBps > cfg.spreadCapBps()) {
            reasons.add(cfg.spreadReason());
        }
        if (lagSec > cfg.lagCapSec()) {
            reasons.add(cfg.lagReason());
        }
        if (!hasBook || ts - bookMs > cfg.staleBookMs()) {
            reasons.add("stale_book");
        }
        // a crossed or locked top of book (best bid >= best ask) is not a market to act on (issue #11)
        if (hasBook && bestBid >= bestAsk) {
            reasons.add("crossed_book");
        }
        // z-dependent guards are judged only once the z-scores exist: a warming-up decision says `warmup`,
        // so the low-consistency share of a minute measures disagreement, not warm-up
        if (warm && consistency < th.consistencyMin()) {
            reasons.add("low_consistency");
        }
        if (warm && Math.abs(score) < cfg.weakScore()) {
            reasons.add("weak_signal");
        }
        int direction = score >= th.buy() ? 1 : score <= th.sell() ? -1 : 0;
        boolean confirm = direction != 0 && reasons.isEmpty();
        boolean strong = confirm && (direction > 0 ? score >= th.strongBuy() : score <= th.strongSell());
        String type;
        if (confirm) {
            type = direction > 0 ? (strong ? "strong_buy" : "buy") : (strong ? "strong_sell" : "sell");
        } else {
            type = direction != 0 ? "pending" : "neutral";
        }
        lastDecisionMs = ts;
        return new Decision(ts, symbol, score, zOfi, zCvd, consistency, spreadBps, lagSec, reg, confirm, type,
                reasons, strong);
    }

    /**
     * The z-score of {@code x} against the previous window ({@code x} not in it yet). {@code rank} (default,
     * issue #14): Φ⁻¹ of the mid-rank quantile, scale-free and calibrated (P(|z| &gt; 2) ≈ 4.6 % on any stationary
     * stretch, whatever the tails); {@code mad}: (x − median) / (1.4826·MAD), DOMAIN.md's estimator.
     */
    double robustZ(RollingRobust window, double x) {
        if (cfg.zRank()) {
            return NormalQuantile.of(window.midRankQuantile(x));
        }
        double median = window.median();
        double mad = window.mad(median);
        return (x - median) / scale(window, median, mad);
    }

    private double scale(RollingRobust window, double median, double mad) {
        // floor relative to the window's magnitude, never below the smallest normal double: a flat window
        // (MAD 0) cannot divide by zero, and z then saturates at the clip.
        double magnitude = Math.max(Math.abs(median), window.size() == 0 ? 0.0 : window.maxAbs());
        double floor = Math.max(cfg.scaleFloorRel() * magnitude, Double.MIN_NORMAL);
        return Math.max(cfg.madScale() * mad, floor);
    }

    double fusion(double zOfi, double zCvd) {
        double c = cfg.fusionInputClip();
        return cfg.fusionWeightOfi() * clip(zOfi, c) + cfg.fusionWeightCvd() * clip(zCvd, c);
    }

    double consistency(double zOfi, double zCvd) {
        double a = Math.abs(zOfi);
        double b = Math.abs(zCvd);
        if (a < cfg.consistencyZero() || b < cfg.consistencyZero() || Math.signum(zOfi) != Math.signum(zCvd)) {
            return 0.0;
        }
        return Math.min(a, b) / Math.max(a, b);
    }

    static double spreadBps(double bid, double ask) {
        double mid = (bid + ask) / 2.0;
        return (ask - bid) / mid * 10_000.0;
    }

    static double clip(double x, double limit) {
        return x > limit ? limit : x < -limit ? -limit : x;
    }

    /** Trades per second over the activity window of event time, ending at {@code nowMs}. */
    double tradesPerSecond(long nowMs) {
        if (firstTradeMs == NONE) {
            return 0.0;
        }
        long nowSec = Math.floorDiv(nowMs, 1000L);
        int n = bucketSecond.length;
        long count = 0;
        for (int i = 0; i < n; i++) {
            long s = bucketSecond[i];
            if (s != NONE && s > nowSec - n && s <= nowSec) {
                count += bucketCount[i];
            }
        }
        // until a whole window has passed, divide by the time observed (at least one second)
        double span = Math.min(n, Math.max(1.0, (nowMs - firstTradeMs) / 1000.0));
        return count / span;
    }

    /** Regime with hysteresis in time: a new regime is taken only after it held for {@code regime.hold_s}. */
    String updateRegime(long nowMs, double tps) {
        String candidate = tps >= cfg.activeTps() ? SignalConfig.ACTIVE
                : tps < cfg.quietTps() ? SignalConfig.QUIET : SignalConfig.NORMAL;
        if (regime == null) {
            regime = candidate;
        } else if (candidate.equals(regime)) {
            pendingRegime = null;
            pendingSinceMs = NONE;
        } else if (!candidate.equals(pendingRegime)) {
            pendingRegime = candidate;
            pendingSinceMs = nowMs;
        } else if (nowMs - pendingSinceMs >= cfg.regimeHoldMs()) {
            regime = candidate;
            pendingRegime = null;
            pendingSinceMs = NONE;
        }
        return regime;
    }

    private void countTrade(long ts) {
        if (firstTradeMs == NONE) {
            firstTradeMs = ts;
        }
        long sec = Math.floorDiv(ts, 1000L);
        int i = (int) Math.floorMod(sec, (long) bucketSecond.length);
        if (bucketSecond[i] != sec) {
            if (bucketSecond[i] != NONE && bucketSecond[i] > sec) {
                return; // a trade older than the bucket's second: outside the window already
            }
            bucketSecond[i] = sec;
            bucketCount[i] = 0;
        }
        bucketCount[i]++;
    }

    private boolean depthFresh(long nowMs) {
        return lastDepthMs != NONE && nowMs - lastDepthMs <= cfg.depthFreshMs();
    }

    private void top(double bid, double ask, long ms) {
        if (bookMs == NONE || ms >= bookMs) {
            bestBid = bid;
            bestAsk = ask;
            bookMs = ms;
        }
    }

    /** A gap in event time over {@code warmup.gap_s} starts the warm-up again. */
    private void touch(long ms) {
        if (lastEventMs != NONE && ms - lastEventMs > cfg.gapWarmupMs()) {
            restartWarmup();
        }
        if (lastEventMs == NONE || ms > lastEventMs) {
            lastEventMs = ms;
        }
    }

    private void restartWarmup() {
        ofiWindow.clear();
        cvdWindow.clear();
        ofiAcc = 0;
        cvdAcc = 0;
        tickerPrimed = false;
        depthLevels = 0;
        lastDepthMs = NONE;
    }

    boolean warmingUp() {
        return ofiWindow.size() < cfg.zWarmup() || cvdWindow.size() < cfg.zWarmup();
    }

    String regime() {
        return regime == null ? SignalConfig.NORMAL : regime;
    }

    long lastDecisionEngineNanos() {
        return lastDecisionEngineNanos;
    }

    void decided(long engineNanos) {
        lastDecisionEngineNanos = engineNanos;
    }

    CounterNames counterNames() {
        return counterNames;
    }

    double cvd() {
        return cvd;
    }

    RollingRobust ofiWindow() {
        return ofiWindow;
    }

    RollingRobust cvdWindow() {
        return cvdWindow;
    }

    // ---- snapshot -------------------------------------------------------------------------------------

    void write(DataOutput out) throws IOException {
        out.writeLong(lastEventMs);
        ofiWindow.write(out);
        cvdWindow.write(out);
        out.writeDouble(ofiAcc);
        out.writeDouble(cvdAcc);
        out.writeDouble(cvd);
        out.writeBoolean(tickerPrimed);
        out.writeDouble(tPb);
        out.writeDouble(tQb);
        out.writeDouble(tPa);
        out.writeDouble(tQa);
        out.writeInt(depthLevels);
        for (int k = 0; k < depthLevels; k++) {
            out.writeDouble(dPb[k]);
            out.writeDouble(dQb[k]);
            out.writeDouble(dPa[k]);
            out.writeDouble(dQa[k]);
        }
        out.writeLong(lastDepthMs);
        out.writeDouble(bestBid);
        out.writeDouble(bestAsk);
        out.writeLong(bookMs);
        out.writeInt(bucketSecond.length);
        for (int i = 0; i < bucketSecond.length; i++) {
            out.writeLong(bucketSecond[i]);
            out.writeInt(bucketCount[i]);
        }
        out.writeLong(firstTradeMs);
        out.writeUTF(regime == null ? "" : regime);
        out.writeUTF(pendingRegime == null ? "" : pendingRegime);
        out.writeLong(pendingSinceMs);
        out.writeLong(lastDecisionMs);
        out.writeLong(lastDecisionEngineNanos);
    }

    void read(DataInput in) throws IOException {
        lastEventMs = in.readLong();
        ofiWindow.read(in);
        cvdWindow.read(in);
        ofiAcc = in.readDouble();
        cvdAcc = in.readDouble();
        cvd = in.readDouble();
        tickerPrimed = in.readBoolean();
        tPb = in.readDouble();
        tQb = in.readDouble();
        tPa = in.readDouble();
        tQa = in.readDouble();
        int levels = in.readInt();
        depthLevels = Math.min(levels, dPb.length);
        for (int k = 0; k < levels; k++) {
            double pb = in.readDouble();
            double qb = in.readDouble();
            double pa = in.readDouble();
            double qa = in.readDouble();
            if (k < dPb.length) {
                dPb[k] = pb;
                dQb[k] = qb;
                dPa[k] = pa;
                dQa[k] = qa;
            }
        }
        lastDepthMs = in.readLong();
        bestBid = in.readDouble();
        bestAsk = in.readDouble();
        bookMs = in.readLong();
        int buckets = in.readInt();
        java.util.Arrays.fill(bucketSecond, NONE);
        java.util.Arrays.fill(bucketCount, 0);
        for (int i = 0; i < buckets; i++) {
            long sec = in.readLong();
            int count = in.readInt();
            if (sec != NONE) {
                int at = (int) Math.floorMod(sec, (long) bucketSecond.length);
                if (bucketSecond[at] == NONE || bucketSecond[at] < sec) {
                    bucketSecond[at] = sec;
                    bucketCount[at] = count;
                }
            }
        }
        firstTradeMs = in.readLong();
        String r = in.readUTF();
        regime = r.isEmpty() ? null : r;
        String p = in.readUTF();
        pendingRegime = p.isEmpty() ? null : p;
        pendingSinceMs = in.readLong();
        lastDecisionMs = in.readLong();
        lastDecisionEngineNanos = in.readLong();
    }
}
