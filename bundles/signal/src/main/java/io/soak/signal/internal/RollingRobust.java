package io.soak.signal.internal;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A fixed-capacity window of the last N samples, an order-statistic structure: the mid-rank of a value (two
 * binary searches, O(log N)), the median and the MAD, in O(N) memory and no allocation:
 * a ring buffer keeps insertion order (to know which sample leaves), a sorted array is kept by binary
 * insertion/removal (one {@code System.arraycopy} each), and the MAD is the k-th smallest absolute
 * deviation, found by walking outward from the median over the sorted array (the deviations left of the
 * median descend, right of it ascend: a merge of two sorted runs, no sort and no scratch array).
 */
final class RollingRobust {

    private final double[] ring;
    private final double[] sorted;
    private int head; // index of the oldest sample in ring
    private int size;

    RollingRobust(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window capacity must be >= 1, got " + capacity);
        }
        ring = new double[capacity];
        sorted = new double[capacity];
    }

    int size() {
        return size;
    }

    int capacity() {
        return ring.length;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** Adds a finite sample; when full, the oldest sample leaves. Non-finite samples are ignored. */
    void add(double x) {
        if (!Double.isFinite(x)) {
            return;
        }
        x = x + 0.0; // -0.0 -> 0.0, so the binary searches agree on ordering
        int cap = ring.length;
        if (size == cap) {
            double old = ring[head];
            ring[head] = x;
            head = (head + 1) % cap;
            int from = indexOf(old);
            int to = insertionPoint(x, size);
            // move the block between the removed slot and the insertion slot by one position
            if (to > from) {
                int dest = to - 1;
                System.arraycopy(sorted, from + 1, sorted, from, dest - from);
                sorted[dest] = x;
            } else {
                System.arraycopy(sorted, to, sorted, to + 1, from - to);
                sorted[to] = x;
            }
        } else {
            ring[(head + size) % cap] = x;
            int at = insertionPoint(x, size);
            System.arraycopy(sorted, at, sorted, at + 1, size - at);
            sorted[at] = x;
            size++;
        }
    }

    /** Median of the window; 0 when empty. */
    double median() {
        if (size == 0) {
            return 0.0;
        }
        int mid = size >>> 1;
        return (size & 1) == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /**
     * The calibrated quantile of {@code x} against the window: its mid-rank r among the samples (the number
     * below it plus half the number equal to it, so ties share a mid-rank), mapped into (0, 1) as
     * (r + 0.5) / (n + 1). Symmetric: a value equal to the median maps to 0.5. O(log n), no allocation.
     */
    double midRankQuantile(double x) {
        x = x + 0.0; // -0.0 -> 0.0, as stored
        int below = lowerBound(x, size);
        int notAbove = insertionPoint(x, size);
        double r = (below + notAbove) / 2.0;
        return (r + 0.5) / (size + 1.0);
    }

    /** Largest absolute value in the window; 0 when empty. */
    double maxAbs() {
        return size == 0 ? 0.0 : Math.max(Math.abs(sorted[0]), Math.abs(sorted[size - 1]));
    }

    /** Median absolute deviation from {@code median} (the window's median); 0 when empty. */
    double mad(double median) {
        if (size == 0) {
            return 0.0;
        }
        // i walks left (deviations ascending as i decreases), j walks right
        int j = insertionPoint(median, size); // first index with value > median
        int i = j - 1;
        int lo = (size - 1) >>> 1;
        int hi = size >>> 1;
        double atLo = 0;
        double atHi = 0;
        for (int k = 0; k <= hi; k++) {
            double d;
            if (i < 0) {
                d = sorted[j++] - median;
            } else if (j >= size) {
                d = median - sorted[i--];
            } else {
                double dl = median - sorted[i];
                double dr = sorted[j] - median;
                if (dl <= dr) {
                    d = dl;
                    i--;
                } else {
                    d = dr;
                    j++;
                }
            }
            if (k == lo) {
                atLo = d;
            }
            if (k == hi) {
                atHi = d;
            }
        }
        return (atLo + atHi) / 2.0;
    }

    /** The samples in insertion order (oldest first), for tests and snapshots. */
    double[] samples() {
        double[] out = new double[size];
        for (int k = 0; k < size; k++) {
            out[k] = ring[(head + k) % ring.length];
        }
        return out;
    }

    void write(DataOutput out) throws IOException {
        out.writeInt(size);
        for (int k = 0; k < size; k++) {
            out.writeDouble(ring[(head + k) % ring.length]);
        }
    }

    /** Reads a window written by {@link #write}; keeps the newest samples when this window is smaller. */
    void read(DataInput in) throws IOException {
        clear();
        int n = in.readInt();
        for (int k = 0; k < n; k++) {
            add(in.readDouble());
        }
    }

    private int indexOf(double value) {
        int at = Arrays.binarySearch(sorted, 0, size, value);
        if (at < 0) {
            throw new IllegalStateException("rolling window lost sample " + value);
        }
        return at;
    }

    /** First index in sorted[0, n) whose value is greater than or equal to x. */
    private int lowerBound(double x, int n) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** First index in sorted[0, n) whose value is greater than x. */
    private int insertionPoint(double x, int n) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
