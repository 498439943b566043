package io.soak.api.market;

/**
 * A parsed market event. Every event keeps both clocks: the exchange's event time and the local
 * receive time of the raw message it came from, plus that message's source stream name.
 */
public sealed interface MarketEvent permits Trade, BookTicker, BookDepth {

    /** Upper-case symbol, for example {@code BTCUSDT}. */
    String symbol();

    /** Combined-stream name the raw message came from, for example {@code btcusdt@aggTrade}. */
    String stream();

    /** Exchange event time {@code E}, ms since epoch. */
    long eventTimeMs();

    /** Local receive time of the raw message, ns since epoch. */
    long receivedNanos();
}
