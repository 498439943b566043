package io.soak.broker.internal;

import io.soak.api.broker.Fill;
import io.soak.api.broker.Order;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The broker's end-of-run checks (DOMAIN.md 4), recomputed from the order history and the fills alone,
 * independently of the running accounting in {@link Position}: position = sum of signed fill quantities;
 * realised PnL (average cost, replayed here) and fees equal the reported ones; no fill without a filled
 * order; no order twice; every intent has an outcome; every fill priced from its own book plus slippage
 * with the fee on its notional.
 */
final class Invariants {

    /** One check. */
    record Result(String name, boolean ok, String detail) {
        Map<String, Object> toFact() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("ok", ok);
            m.put("detail", detail);
            return java.util.Collections.unmodifiableMap(m);
        }
    }

    private Invariants() {
    }

    static List<Result> check(List<Order> orders, List<Fill> fills, Map<String, Position> reported, BrokerConfig cfg) {
        double tol = cfg.tolerance();
        List<Result> out = new ArrayList<>();

        // replay the fills: quantity, realised (average cost), fees per symbol
        Map<String, double[]> replay = new TreeMap<>(); // qty, avg, realised, fees
        for (Fill f : fills) {
            double[] r = replay.computeIfAbsent(f.symbol(), s -> new double[4]);
            double q = "buy".equals(f.side()) ? f.quantity() : -f.quantity();
            r[3] += f.fee();
            double pos = r[0];
            if (pos == 0 || (pos > 0) == (q > 0)) {
                r[1] = (pos * r[1] + q * f.price()) / (pos + q);
                r[0] = pos + q;
            } else {
                double closed = Math.min(Math.abs(q), Math.abs(pos));
                r[2] += (pos > 0 ? 1 : -1) * closed * (f.price() - r[1]);
                r[0] = pos + q;
                if (Math.abs(q) > Math.abs(pos)) {
                    r[1] = f.price();
                } else if (Math.abs(q) == Math.abs(pos)) {
                    r[0] = 0;
                    r[1] = 0;
                }
            }
        }
        Set<String> symbols = new java.util.TreeSet<>(replay.keySet());
        symbols.addAll(reported.keySet());
        List<String> posBad = new ArrayList<>();
        List<String> realisedBad = new ArrayList<>();
        List<String> feesBad = new ArrayList<>();
        for (String s : symbols) {
            double[] r = replay.getOrDefault(s, new double[4]);
            Position p = reported.getOrDefault(s, new Position());
            if (!close(r[0], p.quantity, tol)) {
                posBad.add(s + ": reported " + p.quantity + ", fills sum to " + r[0]);
            }
            if (!close(r[2], p.realised, tol)) {
                realisedBad.add(s + ": reported " + p.realised + ", fills give " + r[2]);
            }
            if (!close(r[3], p.fees, tol)) {
                feesBad.add(s + ": reported " + p.fees + ", fills give " + r[3]);
            }
        }
        out.add(result("position_equals_fill_sum", posBad, symbols.size() + " symbols"));
        out.add(result("realised_pnl_recomputed", realisedBad, symbols.size() + " symbols"));
        out.add(result("fees_recomputed", feesBad, symbols.size() + " symbols"));

        // order history
        Map<Long, Order> byId = new HashMap<>();
        List<String> twice = new ArrayList<>();
        List<String> noOutcome = new ArrayList<>();
        long filledOrders = 0;
        for (Order o : orders) {
            if (byId.put(o.orderId(), o) != null) {
                twice.add("order " + o.orderId());
            }
            boolean filled = "filled".equals(o.status());
            boolean rejected = "rejected".equals(o.status()) && !o.reason().isEmpty();
            if (!filled && !rejected) {
                noOutcome.add("order " + o.orderId() + " status '" + o.status() + "' reason '" + o.reason() + "'");
            }
            if (filled) {
                filledOrders++;
            }
        }
        out.add(result("no_order_twice", twice, orders.size() + " orders"));
        out.add(result("every_intent_has_outcome", noOutcome, orders.size() + " orders"));

        List<String> orphan = new ArrayList<>();
        Set<Long> filledIds = new HashSet<>();
        List<String> priced = new ArrayList<>();
        double slip = cfg.slippageBps() / 10_000.0;
        for (Fill f : fills) {
            Order o = byId.get(f.orderId());
            if (o == null || !"filled".equals(o.status()) || !o.symbol().equals(f.symbol())
                    || !o.side().equals(f.side())) {
                orphan.add("fill of order " + f.orderId());
            } else if (!filledIds.add(f.orderId())) {
                orphan.add("second fill of order " + f.orderId());
            } else {
                double expected = "buy".equals(f.side()) ? f.bookPrice() * (1 + slip) : f.bookPrice() * (1 - slip);
                double fee = o.notional() * cfg.feeBps() / 10_000.0;
                if (!(f.bookPrice() > 0) || !close(expected, f.price(), tol) || !close(fee, f.fee(), tol)
                        || !close(o.notional(), f.quantity() * f.price(), tol)) {
                    priced.add("fill of order " + f.orderId() + " at " + f.price() + " (book " + f.bookPrice()
                            + ", fee " + f.fee() + ")");
                }
            }
        }
        if (filledOrders != filledIds.size()) {
            orphan.add(filledOrders + " filled orders but " + filledIds.size() + " fills");
        }
        out.add(result("no_fill_without_order", orphan, fills.size() + " fills"));
        out.add(result("fills_priced_from_own_book", priced, fills.size() + " fills"));
        return out;
    }

    private static Result result(String name, List<String> problems, String okDetail) {
        if (problems.isEmpty()) {
            return new Result(name, true, okDetail);
        }
        String detail = problems.size() + " problem(s): " + String.join("; ", problems.subList(0, Math.min(5, problems.size())));
        return new Result(name, false, detail);
    }

    static boolean close(double a, double b, double tol) {
        return Math.abs(a - b) <= tol * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }
}
