package io.soak.harvest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the live source connects: Binance USDⓈ-M Futures split its WebSocket base URL in 2026 (the legacy
 * combined endpoint was retired on 2026-04-23): {@code <base>/public} carries the high-frequency book data
 * ({@code bookTicker}, {@code depth*}), {@code <base>/market} everything else ({@code aggTrade}, {@code trade},
 * {@code markPrice}, {@code kline}, tickers…). Layout {@code split} (the default) opens one connection per route
 * that has streams, in stream mode ({@code /public/stream?streams=…}, combined envelopes); layout {@code legacy}
 * opens one connection at {@code <base>/stream?streams=…} (old setups, or the emulator's legacy paths).
 * The REST base for depth snapshots is derived from the WebSocket base unless given.
 *
 * @param wsBase   WebSocket base URL without a trailing slash (for example {@code wss://fstream.binance.com})
 * @param restBase REST base URL without a trailing slash (for example {@code https://fapi.binance.com})
 * @param legacy   true for one connection at the root
 */
record BinanceEndpoints(String wsBase, String restBase, boolean legacy) {

    static final String PRODUCTION_WS = "wss://fstream.binance.com";
    static final String PRODUCTION_REST = "https://fapi.binance.com";
    static final String TESTNET_WS = "wss://fstream.binancefuture.com";
    static final String TESTNET_REST = "https://testnet.binancefuture.com";

    /** One connection: its name ({@code public}, {@code market} or {@code legacy}), URL and streams. */
    record Route(String name, String url, List<String> streams) {
    }

    /**
     * Resolves {@code endpoint} (a URL, or the presets {@code production} / {@code testnet}; blank = production),
     * {@code layout} ({@code split} | {@code legacy}) and {@code restUrl} (blank = derived).
     */
    static BinanceEndpoints of(String endpoint, String layout, String restUrl) {
        String e = endpoint == null || endpoint.isBlank() ? "production" : endpoint.trim();
        String ws = switch (e.toLowerCase(Locale.ROOT)) {
            case "production" -> PRODUCTION_WS;
            case "testnet" -> TESTNET_WS;
            default -> e;
        };
        ws = ws.replaceAll("/+$", "");
        if (!ws.matches("(?i)^wss?://.+")) {
            throw new IllegalArgumentException("source endpoint must be a ws:// or wss:// URL or production|testnet, got '"
                    + endpoint + "'");
        }
        String l = layout == null || layout.isBlank() ? "split" : layout.trim().toLowerCase(Locale.ROOT);
        if (!l.equals("split") && !l.equals("legacy")) {
            throw new IllegalArgumentException("source layout must be 'split' or 'legacy', got '" + layout + "'");
        }
        // a base given with a route path (…/public, …/market) is taken as the root of the split layout
        ws = ws.replaceAll("/(public|market|private)$", "");
        String rest = restUrl == null || restUrl.isBlank() ? restFor(ws) : restUrl.trim().replaceAll("/+$", "");
        return new BinanceEndpoints(ws, rest, l.equals("legacy"));
    }

    /** {@code url} as it may be shown or written: the user-info of its authority (credentials) masked. */
    static String shown(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceFirst("$1***@");
    }

    /** scheme:// then the authority up to its last '@' (the authority ends at the first '/', '?' or '#'). */
    private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#]*@");

    /** The REST base that goes with a WebSocket base: Binance's own hosts, else the same host and port over HTTP. */
    static String restFor(String ws) {
        if (ws.equalsIgnoreCase(PRODUCTION_WS)) {
            return PRODUCTION_REST;
        }
        if (ws.equalsIgnoreCase(TESTNET_WS)) {
            return TESTNET_REST;
        }
        String http = ws.replaceFirst("(?i)^wss:", "https:").replaceFirst("(?i)^ws:", "http:");
        int slash = http.indexOf('/', http.indexOf("//") + 2);
        return slash < 0 ? http : http.substring(0, slash);
    }

    /** {@code public} for book data (bookTicker, depth…), {@code market} for the rest. */
    static String routeOf(String streamKind) {
        return streamKind.startsWith("bookTicker") || streamKind.startsWith("depth") ? "public" : "market";
    }

    /** The connections for {@code symbols} × {@code kinds}, in a stable order (public, market). */
    List<Route> routes(List<String> symbols, List<String> kinds) {
        Map<String, List<String>> by = new LinkedHashMap<>();
        if (legacy) {
            by.put("legacy", new ArrayList<>());
        } else {
            by.put("public", new ArrayList<>());
            by.put("market", new ArrayList<>());
        }
        for (String sym : symbols) {
            for (String kind : kinds) {
                String name = sym.toLowerCase(Locale.ROOT) + "@" + kind;
                by.get(legacy ? "legacy" : routeOf(kind)).add(name);
            }
        }
        List<Route> out = new ArrayList<>();
        by.forEach((route, streams) -> {
            if (!streams.isEmpty()) {
                String prefix = legacy ? wsBase : wsBase + "/" + route;
                out.add(new Route(route, prefix + "/stream?streams=" + String.join("/", streams), List.copyOf(streams)));
            }
        });
        return out;
    }

    /** The depth snapshot URL of {@code symbol} (upper-case on the wire). */
    String depthUrl(String symbol, int limit) {
        return restBase + "/fapi/v1/depth?symbol=" + symbol.toUpperCase(Locale.ROOT) + "&limit=" + limit;
    }
}
