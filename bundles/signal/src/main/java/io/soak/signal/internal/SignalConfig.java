package io.soak.signal.internal;

import io.soak.api.stage.Settings;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of the signal stage, read once from the stage's effective settings (config/defaults.yaml
 * section {@code signal}, overlaid by the scenario). Defaults are DOMAIN.md 2-3, except where issue #14 overrides it
 * (calibrated rank z by default, strong thresholds re-derived for it). Validated when built: a bad
 * value names its key.
 */
record SignalConfig(double[] ofiWeights, String zMethod, int zWindow, int zWarmup, double madScale, double scaleFloorRel,
                    double clipOfi, double clipCvd, long gapWarmupMs, double fusionWeightOfi,
                    double fusionWeightCvd, double fusionInputClip, double consistencyZero, long activityWindowMs,
                    long decisionIntervalMs, double activeTps, double quietTps, long regimeHoldMs,
                    Map<String, Thresholds> thresholds, double spreadCapBps, double lagCapSec, long staleBookMs,
                    double weakScore, long depthFreshMs, int maxSymbols) {

    /** Thresholds of one regime (DOMAIN.md 3). */
    record Thresholds(double buy, double strongBuy, double sell, double strongSell, double consistencyMin) {
    }

    static final String QUIET = "quiet";
    static final String NORMAL = "normal";
    static final String ACTIVE = "active";
    /** {@code z.method}: calibrated rank z (default, issue #14). */
    static final String RANK = "rank";
    /** {@code z.method}: DOMAIN.md's median/MAD z, kept for comparison. */
    static final String MAD = "mad";

    /** True for the calibrated rank estimator. */
    boolean zRank() {
        return RANK.equals(zMethod);
    }

    static SignalConfig defaults() {
        return from(Settings.empty());
    }

    static SignalConfig from(Settings s) {
        List<String> w = s.list("ofi.weights", List.of("0.4", "0.25", "0.2", "0.1", "0.05"));
        double[] weights = new double[w.size()];
        for (int i = 0; i < weights.length; i++) {
            try {
                weights[i] = Double.parseDouble(w.get(i).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting 'ofi.weights' must be a list of numbers, got " + w);
            }
            require(weights[i] >= 0, "ofi.weights", w);
        }
        require(weights.length > 0 && weights[0] > 0, "ofi.weights", w);
        String method = s.string("z.method", RANK).trim().toLowerCase(java.util.Locale.ROOT);
        require(method.equals(RANK) || method.equals(MAD), "z.method", method);
        SignalConfig c = new SignalConfig(weights, method,
                (int) s.integer("z.window", 300),
                (int) s.integer("z.warmup", 50),
                s.decimal("z.mad_scale", 1.4826),
                s.decimal("z.scale_floor_rel", 1e-9),
                s.decimal("z.clip_ofi", 3.0),
                s.decimal("z.clip_cvd", 2.5),
                millis(s.decimal("warmup.gap_s", 5.0)),
                s.decimal("fusion.weight_ofi", 0.6),
                s.decimal("fusion.weight_cvd", 0.4),
                s.decimal("fusion.input_clip", 4.0),
                s.decimal("consistency.zero", 1e-6),
                millis(s.decimal("activity.window_s", 60.0)),
                s.integer("decision.interval_ms", 250),
                s.decimal("regime.active_tps", 3.0),
                s.decimal("regime.quiet_tps", 1.0),
                millis(s.decimal("regime.hold_s", 30.0)),
                // buy/sell and consistency minimums of DOMAIN.md; strong re-derived from the calibrated (rank)
                // score distribution on the shared recordings (issue #14, docs/signal-and-broker.md)
                Map.of(NORMAL, thresholds(s, NORMAL, 0.6, 1.65, 0.12),
                        ACTIVE, thresholds(s, ACTIVE, 0.5, 1.6, 0.10),
                        QUIET, thresholds(s, QUIET, 0.7, 1.7, 0.15)),
                s.decimal("guard.spread_bps_max", 20.0),
                s.decimal("guard.lag_sec_max", 3.0),
                millis(s.decimal("guard.stale_book_s", 5.0)),
                s.decimal("guard.weak_score", 0.15),
                millis(s.decimal("book.depth_fresh_s", 5.0)),
                (int) s.integer("symbols.max", 256));
        require(c.zWindow >= 1, "z.window", c.zWindow);
        require(c.zWarmup >= 1 && c.zWarmup <= c.zWindow, "z.warmup", c.zWarmup);
        require(c.madScale > 0, "z.mad_scale", c.madScale);
        require(c.scaleFloorRel > 0, "z.scale_floor_rel", c.scaleFloorRel);
        require(c.clipOfi > 0, "z.clip_ofi", c.clipOfi);
        require(c.clipCvd > 0, "z.clip_cvd", c.clipCvd);
        require(c.fusionInputClip > 0, "fusion.input_clip", c.fusionInputClip);
        require(c.activityWindowMs >= 1000, "activity.window_s", c.activityWindowMs / 1000.0);
        require(c.decisionIntervalMs >= 0, "decision.interval_ms", c.decisionIntervalMs);
        require(c.quietTps <= c.activeTps, "regime.quiet_tps", c.quietTps);
        require(c.maxSymbols >= 1, "symbols.max", c.maxSymbols);
        return c;
    }

    Thresholds thresholds(String regime) {
        return thresholds.get(regime);
    }

    /** {@code spread_bps>20.0}: the guard string carries the configured cap. */
    String spreadReason() {
        return "spread_bps>" + spreadCapBps;
    }

    /** {@code lag_sec>3.0}. */
    String lagReason() {
        return "lag_sec>" + lagCapSec;
    }

    private static Thresholds thresholds(Settings s, String regime, double buy, double strong, double cons) {
        String p = "thresholds." + regime + ".";
        Thresholds t = new Thresholds(s.decimal(p + "buy", buy), s.decimal(p + "strong_buy", strong),
                s.decimal(p + "sell", -buy), s.decimal(p + "strong_sell", -strong),
                s.decimal(p + "consistency_min", cons));
        require(t.buy() > 0 && t.strongBuy() >= t.buy(), p + "strong_buy", t.strongBuy());
        require(t.sell() < 0 && t.strongSell() <= t.sell(), p + "strong_sell", t.strongSell());
        return t;
    }

    private static long millis(double seconds) {
        return Math.round(seconds * 1000.0);
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("setting 'signal." + key + "' is out of range, got '" + value + "'");
        }
    }
}
