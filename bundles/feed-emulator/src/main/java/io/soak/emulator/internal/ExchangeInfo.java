package io.soak.emulator.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The answer of {@code GET /fapi/v1/exchangeInfo} for the served symbols: USDT-margined perpetuals with the
 * fields and filters clients read (tick size, step size, precisions), Binance's published rate limits.
 */
final class ExchangeInfo {

    private ExchangeInfo() {
    }

    static Map<String, Object> of(Set<String> symbols, long nowMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timezone", "UTC");
        m.put("serverTime", nowMs);
        m.put("futuresType", "U_MARGINED");
        m.put("rateLimits", List.of(
                Map.of("rateLimitType", "REQUEST_WEIGHT", "interval", "MINUTE", "intervalNum", 1, "limit", 2400),
                Map.of("rateLimitType", "ORDERS", "interval", "MINUTE", "intervalNum", 1, "limit", 1200),
                Map.of("rateLimitType", "ORDERS", "interval", "SECOND", "intervalNum", 10, "limit", 300)));
        m.put("exchangeFilters", List.of());
        m.put("assets", List.of(Map.of("asset", "USDT", "marginAvailable", true, "autoAssetExchange", "-10000")));
        List<Map<String, Object>> list = new ArrayList<>();
        for (String s : symbols) {
            String sym = s.toUpperCase(Locale.ROOT);
            String base = sym.endsWith("USDT") ? sym.substring(0, sym.length() - 4) : sym;
            String tick = switch (base) {
                case "BTC" -> "0.10";
                case "XRP" -> "0.0001";
                case "DOGE" -> "0.000010";
                default -> "0.01";
            };
            String step = switch (base) {
                case "BTC", "ETH" -> "0.001";
                case "XRP", "DOGE" -> "1";
                default -> "0.01";
            };
            int pricePrecision = tick.length() - tick.indexOf('.') - 1;
            int qtyPrecision = step.contains(".") ? step.length() - step.indexOf('.') - 1 : 0;
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("symbol", sym);
            x.put("pair", sym);
            x.put("contractType", "PERPETUAL");
            x.put("deliveryDate", 4133404800000L);
            x.put("onboardDate", 1569398400000L);
            x.put("status", "TRADING");
            x.put("maintMarginPercent", "2.5000");
            x.put("requiredMarginPercent", "5.0000");
            x.put("baseAsset", base);
            x.put("quoteAsset", "USDT");
            x.put("marginAsset", "USDT");
            x.put("pricePrecision", pricePrecision);
            x.put("quantityPrecision", qtyPrecision);
            x.put("baseAssetPrecision", 8);
            x.put("quotePrecision", 8);
            x.put("underlyingType", "COIN");
            x.put("underlyingSubType", List.of());
            x.put("triggerProtect", "0.0500");
            x.put("liquidationFee", "0.012500");
            x.put("marketTakeBound", "0.05");
            x.put("filters", List.of(
                    Map.of("filterType", "PRICE_FILTER", "minPrice", tick, "maxPrice", "4529764", "tickSize", tick),
                    Map.of("filterType", "LOT_SIZE", "minQty", step, "maxQty", "1000", "stepSize", step),
                    Map.of("filterType", "MARKET_LOT_SIZE", "minQty", step, "maxQty", "120", "stepSize", step),
                    Map.of("filterType", "MAX_NUM_ORDERS", "limit", 200),
                    Map.of("filterType", "MIN_NOTIONAL", "notional", "5"),
                    Map.of("filterType", "PERCENT_PRICE", "multiplierUp", "1.0500", "multiplierDown", "0.9500",
                            "multiplierDecimal", "4")));
            x.put("orderTypes", List.of("LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET",
                    "TRAILING_STOP_MARKET"));
            x.put("timeInForce", List.of("GTC", "IOC", "FOK", "GTX"));
            list.add(x);
        }
        m.put("symbols", list);
        return m;
    }
}
