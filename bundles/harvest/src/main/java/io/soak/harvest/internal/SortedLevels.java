package io.soak.harvest.internal;

import java.util.Arrays;

/**
 * One side of a local order book in primitive arrays sorted so that the best level is at the end (bids by
 * price, asks by negated price): binary search, and an insert or remove near the top moves only the few
 * levels above it. Cheaper than a boxed TreeMap for books of a few thousand levels updated by diffs of tens
 * of levels. Bounded: past {@code maxLevels} the level farthest from the top (index 0) is dropped.
 */
final class SortedLevels {

    private final boolean bids;
    private final int maxLevels;
    private double[] prices = new double[256];
    private double[] quantities = new double[256];
    private int size;
    /** Where the last level was set: a diff's levels come in price order, so the next one is close by. */
    private int hint;

    SortedLevels(boolean bids, int maxLevels) {
        this.bids = bids;
        this.maxLevels = maxLevels;
    }

    void clear() {
        size = 0;
        hint = 0;
    }

    int size() {
        return size;
    }

    /** Sets a level; quantity 0 removes it. */
    void set(double price, double quantity) {
        double key = bids ? price : -price;
        int i = find(key);
        hint = i >= 0 ? i : -i - 1;
        if (i >= 0) {
            if (quantity == 0) {
                System.arraycopy(prices, i + 1, prices, i, size - i - 1);
                System.arraycopy(quantities, i + 1, quantities, i, size - i - 1);
                size--;
            } else {
                quantities[i] = quantity;
            }
            return;
        }
        if (quantity == 0) {
            return;
        }
        int at = -i - 1;
        if (size == prices.length) {
            prices = Arrays.copyOf(prices, size * 2);
            quantities = Arrays.copyOf(quantities, size * 2);
        }
        System.arraycopy(prices, at, prices, at + 1, size - at);
        System.arraycopy(quantities, at, quantities, at + 1, size - at);
        prices[at] = key;
        quantities[at] = quantity;
        size++;
        if (size > maxLevels) { // the worst level is at index 0 on both sides
            System.arraycopy(prices, 1, prices, 0, size - 1);
            System.arraycopy(quantities, 1, quantities, 0, size - 1);
            size--;
        }
    }

    /**
     * {@link Arrays#binarySearch(double[], int, int, double)} over the whole side (the same result: the keys are
     * distinct and sorted), searched outwards from {@link #hint} first (1, 2, 4, ... levels) and then by bisection
     * inside the bracket found: two or three probes instead of ten for the next level of a diff.
     */
    int find(double key) {
        int n = size;
        if (n == 0) {
            return -1;
        }
        int h = hint < 0 ? 0 : Math.min(hint, n - 1);
        double hk = prices[h];
        if (hk == key) {
            return h;
        }
        int lo;
        int hi;
        if (hk < key) {
            int last = h;
            int bound = 1;
            while (h + bound < n && prices[h + bound] < key) {
                last = h + bound;
                bound <<= 1;
            }
            lo = last + 1;
            hi = Math.min(n, h + bound + 1);
        } else {
            int last = h;
            int bound = 1;
            while (h - bound >= 0 && prices[h - bound] > key) {
                last = h - bound;
                bound <<= 1;
            }
            lo = Math.max(0, h - bound);
            hi = last;
        }
        return Arrays.binarySearch(prices, lo, hi, key);
    }

    /** Best-first copy of the top {@code n} prices (bids descending, asks ascending). */
    double[] topPrices(int n) {
        int k = Math.min(n, size);
        double[] out = new double[k];
        for (int j = 0; j < k; j++) {
            double key = prices[size - 1 - j];
            out[j] = bids ? key : -key;
        }
        return out;
    }

    double[] topQuantities(int n) {
        int k = Math.min(n, size);
        double[] out = new double[k];
        for (int j = 0; j < k; j++) {
            out[j] = quantities[size - 1 - j];
        }
        return out;
    }

    void write(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeDouble(prices[i]);
            out.writeDouble(quantities[i]);
        }
    }

    void read(java.io.DataInputStream in) throws java.io.IOException {
        int n = in.readInt();
        prices = new double[Math.max(256, n)];
        quantities = new double[prices.length];
        for (int i = 0; i < n; i++) {
            prices[i] = in.readDouble();
            quantities[i] = in.readDouble();
        }
        size = n;
        hint = 0;
    }
}
