package io.soak.dsl.internal;

import io.soak.api.plan.AlertRuleSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The defaults a scenario gets for what it does not say (documented in docs/scenarios.md). */
public final class Defaults {

    public static final String BINANCE_ENDPOINT = "wss://fstream.binance.com";
    public static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT");
    public static final List<String> STREAMS = List.of("aggTrade", "bookTicker", "depth5@100ms");
    public static final List<String> STAGES = List.of("harvest", "signal", "broker", "report");
    public static final List<String> SINKS = List.of("jsonl");
    public static final Duration DURATION = Duration.ofMinutes(10);
    public static final Duration HEALTH_INTERVAL = Duration.ofSeconds(10);
    public static final long SEED = 1L;
    public static final String REPORT_TZ = "UTC";

    /** Kinds an alert rule may have: the standard rule names and the generic {@code threshold}. */
    public static final List<String> ALERT_KINDS = List.of("no_signals", "low_consistency", "strong_ratio_collapse",
            "export_failing", "data_dropped", "stage_unhealthy", "threshold");

    private Defaults() {
    }

    /** The six standard rules of DOMAIN.md §6 with their default parameters, in that order. */
    public static Map<String, AlertRuleSpec> standardAlerts() {
        Map<String, AlertRuleSpec> rules = new LinkedHashMap<>();
        rules.put("no_signals", rule("no_signals", "critical", Duration.ofMinutes(2), Map.of()));
        rules.put("low_consistency", rule("low_consistency", "warning", Duration.ZERO,
                Map.of("threshold", 0.8, "min_decisions", 20L)));
        rules.put("strong_ratio_collapse", rule("strong_ratio_collapse", "warning", Duration.ZERO,
                Map.of("trailing", 15L, "min_minutes", 10L, "min_total", 20L, "mad_k", 3.0, "floor", 0.25)));
        rules.put("export_failing", rule("export_failing", "warning", Duration.ZERO, Map.of("consecutive", 3L)));
        rules.put("data_dropped", rule("data_dropped", "warning", Duration.ZERO, Map.of()));
        rules.put("stage_unhealthy", rule("stage_unhealthy", "critical", Duration.ofSeconds(30), Map.of()));
        return rules;
    }

    private static AlertRuleSpec rule(String name, String level, Duration forDuration, Map<String, Object> params) {
        return new AlertRuleSpec(name, level, name, forDuration, Duration.ZERO, params, true);
    }
}
