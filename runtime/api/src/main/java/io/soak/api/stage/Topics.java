package io.soak.api.stage;

/** The topics of the standard pipeline. Test stages may use topics of their own. */
public final class Topics {
    /** Raw messages from the feed source, payload {@link io.soak.api.source.RawMessage}. Ingress: drop-and-count. */
    public static final String RAW = "raw";
    /** Parsed market events, payload {@link io.soak.api.market.MarketEvent}. */
    public static final String MARKET = "market";
    /** Signal decisions, payload {@link io.soak.api.signal.Decision}. */
    public static final String DECISION = "decision";
    /** Paper orders, payload {@link io.soak.api.broker.Order}. */
    public static final String ORDER = "order";
    /** Paper fills, payload {@link io.soak.api.broker.Fill}. */
    public static final String FILL = "fill";
    /** Closed-minute statistics, payload {@link io.soak.api.stats.MinuteStats}. */
    public static final String MINUTE = "minute";

    private Topics() {
    }
}
