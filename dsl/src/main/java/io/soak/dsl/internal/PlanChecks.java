package io.soak.dsl.internal;

import io.soak.api.plan.FaultSpec;
import io.soak.api.plan.SourceSpec;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks across blocks that the plan can already refuse before anything runs: a fault must target a stage, sink
 * or stream of this plan (a kill of a stage the plan does not run would be recorded "not applied" and pass).
 * Each error is reported at the line of the fault.
 */
final class PlanChecks {

    /** Stream kinds the harvest stage reads (bundles/harvest StreamInfo); anything else would be subscribed and ignored. */
    static final Pattern STREAM_KIND = Pattern.compile("trade|aggTrade|bookTicker|depth(5|10|20)?(@(0|100|250|500)ms)?");
    static final String STREAM_KINDS = "trade, aggTrade, bookTicker, depth, depth@0ms, depth@100ms, depth@250ms, depth@500ms, "
            + "depth5|10|20[@100ms]";

    private PlanChecks() {
    }

    static void faultTargets(List<FaultSpec> faults, FaultsContext ctx, List<String> stages, List<String> sinks, SourceSpec src) {
        for (FaultSpec f : faults) {
            int line = ctx == null ? 0 : ctx.lineOf(f);
            String target = f.target();
            String at = "soak.faults.at " + Values.format(f.at()) + " " + f.kind() + " ";
            switch (f.kind()) {
                case "kill", "hang", "swap" -> {
                    if (!stages.contains(target)) {
                        throw new DslError(line, at + Values.show(target) + " is not a stage of this plan; stages: " + String.join(", ", stages));
                    }
                }
                case "crash" -> {
                    if (!stages.contains(target) && !sinks.contains(target)) {
                        throw new DslError(line, at + Values.show(target) + " is not a stage or sink of this plan; stages: "
                                + String.join(", ", stages) + "; sinks: " + (sinks.isEmpty() ? "none" : String.join(", ", sinks)));
                    }
                }
                case "slow-sink" -> {
                    if (!sinks.contains(target)) {
                        throw new DslError(line, at + Values.show(target) + " is not a sink of this plan; sinks: "
                                + (sinks.isEmpty() ? "none" : String.join(", ", sinks)));
                    }
                }
                case "feed-stall", "feed-gap", "feed-latency", "feed-corrupt", "feed-drop" -> {
                    if (!target.isEmpty()) {
                        stream(line, at, f.kind(), target, src);
                    }
                }
                default -> {
                    // timeseries-outage targets the plan's exporter; other kinds carry no target
                }
            }
        }
    }

    private static void stream(int line, String at, String kind, String target, SourceSpec src) {
        int sep = target.indexOf('@');
        if (sep <= 0) {
            throw new DslError(line, at + "target " + Values.show(target) + " is not a stream such as 'btcusdt@trade'");
        }
        String symbol = target.substring(0, sep).toUpperCase(Locale.ROOT);
        String streamKind = target.substring(sep + 1);
        if (src != null && !src.symbols().isEmpty() && !src.symbols().contains(symbol)) {
            throw new DslError(line, at + "target " + Values.show(target) + ": " + symbol + " is not a symbol of the source; symbols: "
                    + String.join(", ", src.symbols()));
        }
        if (!STREAM_KIND.matcher(streamKind).matches()) {
            throw new DslError(line, at + "target " + Values.show(target) + ": '" + streamKind + "' is not a stream kind; known: " + STREAM_KINDS);
        }
        if (src != null && !src.streams().isEmpty() && !src.streams().contains(streamKind)) {
            throw new DslError(line, at + "target " + Values.show(target) + ": the source does not subscribe '" + streamKind
                    + "'; streams: " + String.join(", ", src.streams()));
        }
        if (kind.equals("feed-gap") && !streamKind.startsWith("depth")) {
            throw new DslError(line, at + "target " + Values.show(target) + " must be a depth stream (a gap skips update ids)");
        }
    }
}
