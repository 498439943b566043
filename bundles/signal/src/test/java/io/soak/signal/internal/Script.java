package io.soak.signal.internal;

import io.soak.api.market.BookDepth;
import io.soak.api.market.BookTicker;
import io.soak.api.market.Trade;
import io.soak.api.signal.Decision;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives one {@link SymbolState} with hand-made events whose OFI and CVD per evaluation interval are chosen
 * exactly: the bid quantity at an unchanged price moves by the wanted OFI (e = qb - qb'), the trade carries
 * the wanted CVD delta. Receive time = event time + {@code lagMs}.
 */
final class Script {

    static final String SYMBOL = "BTCUSDT";
    final SymbolState state;
    double bid = 100.0;
    double ask = 100.01;
    double bidQty = 1_000.0;
    double askQty = 1_000.0;
    long lagMs = 0;
    long tradeId;
    final List<Decision> decisions = new ArrayList<>();

    Script(SignalConfig cfg) {
        this.state = new SymbolState(cfg, SYMBOL);
    }

    BookTicker ticker(long ts) {
        return new BookTicker(SYMBOL, "btcusdt@bookTicker", ts, bid, bidQty, ask, askQty, ts, ts, nanos(ts));
    }

    void book(long ts) {
        state.onTicker(ticker(ts));
    }

    /** A ticker whose OFI against the previous one is exactly {@code ofi}. */
    void ofi(long ts, double ofi) {
        bidQty += ofi;
        book(ts);
    }

    /** A trade whose CVD delta is {@code cvd}; returns the decision, if one was due. */
    Decision trade(long ts, double cvd) {
        Decision d = state.onTrade(new Trade(SYMBOL, "btcusdt@trade", ++tradeId, 100.0, Math.abs(cvd), cvd < 0, ts,
                ts, nanos(ts)));
        if (d != null) {
            decisions.add(d);
        }
        return d;
    }

    /** One evaluation interval: a ticker with the OFI, then a trade with the CVD delta. */
    Decision step(long ts, double ofi, double cvd) {
        ofi(ts, ofi);
        return trade(ts + 1, cvd);
    }

    /** {@code n} steps of alternating +-1 OFI and CVD, 300 ms apart from {@code t0}: window median 0, MAD 1. */
    long warmUp(long t0, int n) {
        book(t0 - 10);
        long t = t0;
        for (int i = 0; i < n; i++) {
            double s = i % 2 == 0 ? 1.0 : -1.0;
            step(t, s, s);
            t += 300;
        }
        return t;
    }

    long nanos(long ts) {
        return (ts + lagMs) * 1_000_000L;
    }

    static BookDepth depth(long ts, double[] bp, double[] bq, double[] ap, double[] aq) {
        return new BookDepth(SYMBOL, "btcusdt@depth5@100ms", ts, bp, bq, ap, aq, ts, ts * 1_000_000L);
    }
}
