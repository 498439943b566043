package io.soak.broker.internal;

import io.soak.api.stage.Settings;

/**
 * Parameters of the paper broker (config/defaults.yaml section {@code broker}, overlaid by the scenario);
 * defaults are DOMAIN.md 4. Validated when built: a bad value names its key.
 */
record BrokerConfig(double notional, double sampleRate, double slippageBps, double feeBps, boolean journal,
                    double tolerance) {

    static BrokerConfig defaults() {
        return from(Settings.empty());
    }

    static BrokerConfig from(Settings s) {
        BrokerConfig c = new BrokerConfig(s.decimal("notional_usdt", 100.0), s.decimal("sample_rate", 0.2),
                s.decimal("slippage_bps", 1.0), s.decimal("fee_bps", 2.0), s.flag("journal", true),
                s.decimal("invariant_tolerance", 1e-9));
        require(c.notional > 0, "notional_usdt", c.notional);
        require(c.sampleRate >= 0 && c.sampleRate <= 1, "sample_rate", c.sampleRate);
        require(c.slippageBps >= 0 && c.slippageBps < 10_000, "slippage_bps", c.slippageBps);
        require(c.feeBps >= 0, "fee_bps", c.feeBps);
        require(c.tolerance > 0, "invariant_tolerance", c.tolerance);
        return c;
    }

    private static void require(boolean ok, String key, Object value) {
        if (!ok) {
            throw new IllegalArgumentException("setting 'broker." + key + "' is out of range, got '" + value + "'");
        }
    }
}
