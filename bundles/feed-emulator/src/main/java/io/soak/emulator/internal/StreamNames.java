package io.soak.emulator.internal;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stream names the emulator serves, as Binance USDⓈ-M spells them (lower-case symbol, then the kind):
 * {@code trade}, {@code aggTrade}, {@code bookTicker}, diff depth {@code depth}, {@code depth@0ms|100ms|250ms|500ms},
 * partial depth {@code depth5|10|20} with an optional {@code @100ms|250ms|500ms}. Anything else (markPrice, kline,
 * upper-case symbols, unknown kinds) is refused with a reason. Book data belongs on {@code /public}, the rest on
 * {@code /market} (the 2026 endpoint split); the legacy root serves both.
 */
final class StreamNames {

    private static final Pattern NAME = Pattern.compile(
            "([a-z0-9]+)@(trade|aggTrade|bookTicker|depth(?:5|10|20)?(?:@(?:0ms|100ms|250ms|500ms))?)");

    private StreamNames() {
    }

    /** Why {@code stream} cannot be served on {@code route} ({@code public|market|legacy}) for {@code symbols}, or null. */
    static String refusal(String stream, String route, Set<String> symbolsLower) {
        Matcher m = NAME.matcher(stream);
        if (!m.matches()) {
            if (!stream.equals(stream.toLowerCase(java.util.Locale.ROOT)) && NAME.matcher(lowerSymbol(stream)).matches()) {
                return "stream names use lower-case symbols: '" + stream + "'";
            }
            return "unknown stream '" + stream + "' (served kinds: trade, aggTrade, bookTicker, depth, depth@100ms|250ms|500ms|0ms, "
                    + "depth5|10|20[@100ms|250ms|500ms])";
        }
        if (!symbolsLower.isEmpty() && !symbolsLower.contains(m.group(1))) {
            return "symbol '" + m.group(1) + "' is not served (served: " + String.join(", ", new java.util.TreeSet<>(symbolsLower)) + ")";
        }
        if (!route.equals("legacy") && !route.equals(routeOf(m.group(2)))) {
            return "stream '" + stream + "' is served on /" + routeOf(m.group(2)) + ", not on /" + route;
        }
        return null;
    }

    private static String lowerSymbol(String stream) {
        int at = stream.indexOf('@');
        return at < 0 ? stream : stream.substring(0, at).toLowerCase(java.util.Locale.ROOT) + stream.substring(at);
    }

    /** {@code public} for book data (bookTicker, depth…), {@code market} for trades. */
    static String routeOf(String kind) {
        return kind.startsWith("bookTicker") || kind.startsWith("depth") ? "public" : "market";
    }

    static String kind(String stream) {
        int at = stream.indexOf('@');
        return at < 0 ? "" : stream.substring(at + 1);
    }

    static String symbol(String stream) {
        int at = stream.indexOf('@');
        return at < 0 ? stream : stream.substring(0, at);
    }

    static boolean isDiff(String kind) {
        return kind.equals("depth") || (kind.startsWith("depth@"));
    }

    /** Partial depth levels (5, 10, 20) of a kind, or 0. */
    static int partialLevels(String kind) {
        if (kind.startsWith("depth5")) {
            return 5;
        }
        if (kind.startsWith("depth10")) {
            return 10;
        }
        if (kind.startsWith("depth20")) {
            return 20;
        }
        return 0;
    }

    /** The update interval of a depth kind in ms: {@code @0ms} 0, {@code @100ms} 100, none or {@code @250ms} 250, {@code @500ms} 500. */
    static int intervalMs(String kind) {
        if (kind.endsWith("@0ms")) {
            return 0;
        }
        if (kind.endsWith("@100ms")) {
            return 100;
        }
        if (kind.endsWith("@500ms")) {
            return 500;
        }
        return 250;
    }
}
