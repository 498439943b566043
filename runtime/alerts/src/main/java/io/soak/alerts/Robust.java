package io.soak.alerts;

import java.util.List;

/** Median and median absolute deviation, the robust statistics strong_ratio_collapse compares against. */
final class Robust {

    private Robust() {
    }

    static double median(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        int m = a.length / 2;
        return a.length % 2 == 1 ? a[m] : (a[m - 1] + a[m]) / 2.0;
    }

    /** Median of |x − median| (unscaled; callers multiply by 1.4826 for a normal-consistent sigma). */
    static double mad(List<Double> values, double median) {
        return median(values.stream().map(v -> Math.abs(v - median)).toList());
    }
}
