package io.soak.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inline SVG charts for report.html, drawn here (no library, no script, no fetch): line charts over the
 * run's minutes or health ticks, and lane timelines (health per stage, alert states) with markers. Each
 * chart carries {@code data-chart} and {@code data-points} so a browser test can count what is plotted.
 */
final class Svg {

    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};
    static final int W = 920;
    static final int LEFT = 64;
    static final int RIGHT = 16;

    private Svg() {
    }

    /** A vertical marker on a chart: at x (0..1 of the time axis), a colour and a label. */
    record Marker(double x, String color, String label) {
    }

    /**
     * A line chart. {@code xs} are the x values (minutes, or seconds since the start), {@code series} name → y
     * values (same length as xs; NaN leaves a gap).
     */
    static String lines(String id, String title, String xUnit, double[] xs, Map<String, double[]> series, String yUnit,
                        List<Marker> markers) {
        int h = 230;
        int top = 28;
        int bottom = 34;
        double xmin = xs.length == 0 ? 0 : xs[0];
        double xmax = xs.length == 0 ? 1 : Math.max(xs[xs.length - 1], xmin + 1e-9);
        double ymax = 0;
        double ymin = 0;
        for (double[] ys : series.values()) {
            for (double y : ys) {
                if (!Double.isNaN(y)) {
                    ymax = Math.max(ymax, y);
                    ymin = Math.min(ymin, y);
                }
            }
        }
        double[] ticks = niceTicks(ymin, ymax == ymin ? ymin + 1 : ymax);
        double y0 = ticks[0];
        double y1 = ticks[ticks.length - 1];
        double pw = W - LEFT - RIGHT;
        double ph = h - top - bottom;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg class=\"chart\" data-chart=\"%s\" data-points=\"%d\" data-series=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
                esc(id), xs.length, series.size(), W, h, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"t\">%s</text>", LEFT, esc(title)));
        for (double t : ticks) {
            double y = top + ph - (t - y0) / (y1 - y0) * ph;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"g\"/>", LEFT, W - RIGHT, y, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">%s</text>", LEFT - 6, y + 4, num(t) + yUnit));
        }
        // x ticks: about 8
        double step = niceStep((xmax - xmin) / 8);
        for (double x = Math.ceil(xmin / step) * step; x <= xmax + 1e-9; x += step) {
            double px = LEFT + (x - xmin) / (xmax - xmin) * pw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" class=\"g\"/>", px, px, top, top + ph));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"xl\">%s</text>", px, top + ph + 16, num(x)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xl\">%s</text>", W - RIGHT - 10, h - 4, esc(xUnit)));
        for (Marker m : markers) {
            double px = LEFT + m.x() * pw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"4 3\" class=\"marker\"><title>%s</title></line>",
                    px, px, top, top + ph, m.color(), esc(m.label())));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"ml\" fill=\"%s\">%s</text>", px + 3, top + 10, m.color(), esc(short16(m.label()))));
        }
        int i = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String color = PALETTE[i % PALETTE.length];
            StringBuilder pts = new StringBuilder();
            double[] ys = e.getValue();
            List<String> dots = new ArrayList<>();
            for (int k = 0; k < ys.length && k < xs.length; k++) {
                if (Double.isNaN(ys[k])) {
                    continue;
                }
                double px = LEFT + (xs[k] - xmin) / (xmax - xmin) * pw;
                double py = top + ph - (ys[k] - y0) / (y1 - y0) * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                if (xs.length <= 120) {
                    dots.add(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\" fill=\"%s\"><title>%s %s: %s</title></circle>",
                            px, py, color, esc(e.getKey()), num(xs[k]), num(ys[k])));
                }
            }
            sb.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"%s\"/>",
                    esc(e.getKey()), color, pts.toString().trim()));
            dots.forEach(sb::append);
            i++;
        }
        sb.append("</svg>");
        sb.append(legend(new ArrayList<>(series.keySet())));
        return sb.toString();
    }

    /**
     * Lanes over time: each lane a row of coloured spans ({@code [from, to, colour, label]} with from/to in
     * 0..1 of the time axis), plus markers across all lanes.
     */
    static String lanes(String id, String title, List<String> lanes, Map<String, List<Object[]>> spans, List<Marker> markers,
                        double minutes) {
        int laneH = 22;
        int top = 28;
        int h = top + lanes.size() * laneH + 34;
        double pw = W - LEFT - 60 - RIGHT;
        int left = LEFT + 60;
        StringBuilder sb = new StringBuilder();
        int count = spans.values().stream().mapToInt(List::size).sum();
        sb.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-chart=\"%s\" data-points=\"%d\" data-lanes=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
                esc(id), count, lanes.size(), W, h, esc(title)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"t\">%s</text>", LEFT, esc(title)));
        for (int i = 0; i < lanes.size(); i++) {
            String lane = lanes.get(i);
            double y = top + i * laneH;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">%s</text>", left - 6, y + 15, esc(lane)));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#f3f3f3\"/>", left, y + 2, pw, laneH - 4));
            for (Object[] s : spans.getOrDefault(lane, List.of())) {
                double a = (double) s[0];
                double b = (double) s[1];
                sb.append(String.format(Locale.ROOT, "<rect class=\"span\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>",
                        left + a * pw, y + 2, Math.max(1.2, (b - a) * pw), laneH - 4, s[2], esc(String.valueOf(s[3]))));
            }
        }
        double yEnd = top + lanes.size() * laneH;
        double step = niceStep(minutes / 8);
        for (double x = 0; x <= minutes + 1e-9 && minutes > 0; x += step) {
            double px = left + x / minutes * pw;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"xl\">%s</text>", px, yEnd + 14, num(x)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"xl\">minute</text>", W - RIGHT - 10, h - 2));
        int k = 0;
        for (Marker m : markers) {
            double px = left + m.x() * pw;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" class=\"marker\"><title>%s</title></line>",
                    px, px, top - 4, yEnd, m.color(), esc(m.label())));
            // labels alternate above the lanes and below the axis, so two markers at one time stay readable
            double ly = k++ % 2 == 0 ? top - 2 : yEnd + 26;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"ml\" fill=\"%s\">%s</text>", px + 3, ly, m.color(), esc(short16(m.label()))));
        }
        sb.append("</svg>");
        return sb.toString();
    }

    static String legend(List<String> names) {
        StringBuilder sb = new StringBuilder("<div class=\"legend\">");
        for (int i = 0; i < names.size(); i++) {
            sb.append("<span><i style=\"background:").append(PALETTE[i % PALETTE.length]).append("\"></i>")
                    .append(esc(names.get(i))).append("</span>");
        }
        return sb.append("</div>").toString();
    }

    static double[] niceTicks(double min, double max) {
        double step = niceStep((max - min) / 4);
        double lo = Math.floor(min / step) * step;
        double hi = Math.ceil(max / step) * step;
        int n = (int) Math.round((hi - lo) / step);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = lo + i * step;
        }
        return t;
    }

    static double niceStep(double raw) {
        if (raw <= 0 || Double.isNaN(raw)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    /** A number for reading: integers as such, else at most 3 significant decimals. */
    static String num(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9 && Math.abs(v) < 1e15) {
            long l = Math.round(v);
            return Math.abs(l) >= 10_000 ? String.format(Locale.ROOT, "%,d", l) : String.valueOf(l);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String short16(String s) {
        return s.length() <= 16 ? s : s.substring(0, 15) + "…";
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
