package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SortedLevelsTest {

    @Test
    void keepsBestBidsHighestFirstAndBestAsksLowestFirst() {
        SortedLevels bids = new SortedLevels(true, 100);
        SortedLevels asks = new SortedLevels(false, 100);
        for (double p : new double[] {100.0, 99.5, 101.0, 98.0}) {
            bids.set(p, p / 100);
            asks.set(p + 10, p / 10);
        }
        bids.set(101.0, 0); // removed
        asks.set(108.0, 0);
        assertThat(bids.topPrices(5)).containsExactly(100.0, 99.5, 98.0);
        assertThat(bids.topQuantities(2)).containsExactly(1.0, 0.995);
        assertThat(asks.topPrices(5)).containsExactly(109.5, 110.0, 111.0);
        assertThat(asks.topQuantities(1)).containsExactly(9.95);
    }

    @Test
    void dropsTheLevelFarthestFromTheTopWhenFull() {
        SortedLevels asks = new SortedLevels(false, 3);
        for (double p : new double[] {10, 11, 12, 9}) {
            asks.set(p, 1);
        }
        assertThat(asks.size()).isEqualTo(3);
        assertThat(asks.topPrices(5)).containsExactly(9.0, 10.0, 11.0);
        SortedLevels bids = new SortedLevels(true, 3);
        for (double p : new double[] {10, 11, 12, 9}) {
            bids.set(p, 1);
        }
        assertThat(bids.topPrices(5)).containsExactly(12.0, 11.0, 10.0);
    }

    @Test
    void theHintedSearchFindsWhatABinarySearchFinds() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(16);
        for (boolean bidSide : new boolean[] {true, false}) {
            SortedLevels side = new SortedLevels(bidSide, 500);
            java.util.TreeMap<Double, Double> model = new java.util.TreeMap<>(bidSide
                    ? java.util.Comparator.<Double>reverseOrder() : java.util.Comparator.<Double>naturalOrder());
            for (int op = 0; op < 200_000; op++) {
                // runs of nearby prices (as a diff sends them) and jumps anywhere
                double px = 1000 + (r.nextInt(10) == 0 ? r.nextInt(2000) : (op % 300)) * 0.5 - 500;
                double qty = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(100);
                side.set(px, qty);
                if (qty == 0) {
                    model.remove(px);
                } else {
                    model.put(px, qty);
                }
                while (model.size() > 500) {
                    model.pollLastEntry(); // the level farthest from the top
                }
                if (op % 997 == 0) {
                    double probe = 1000 + r.nextInt(2000) * 0.25 - 500;
                    double key = bidSide ? probe : -probe;
                    double[] keys = keys(side, bidSide);
                    assertThat(side.find(key)).isEqualTo(java.util.Arrays.binarySearch(keys, key));
                }
                if (op % 53 == 0) {
                    // keys on both sides of the last one set, near and past the levels looked at one by one, and
                    // past both ends of the side
                    double[] keys = keys(side, bidSide);
                    for (int k = -24; k <= 24; k++) {
                        double probe = px + k * 0.5 + (k % 3 == 0 ? 0.25 : 0);
                        double key = bidSide ? probe : -probe;
                        side.set(px, qty); // the hint back at the last level set
                        assertThat(side.find(key)).as("%s %s", px, probe).isEqualTo(java.util.Arrays.binarySearch(keys, key));
                    }
                    for (double far : new double[] {-1e9, 1e9}) {
                        side.set(px, qty);
                        assertThat(side.find(far)).isEqualTo(java.util.Arrays.binarySearch(keys, far));
                    }
                }
            }
            assertThat(side.topPrices(1000)).containsExactly(model.keySet().stream().mapToDouble(Double::doubleValue).toArray());
            assertThat(side.topQuantities(1000)).containsExactly(model.values().stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    /** The side's keys, ascending, as {@link SortedLevels} holds them (bids by price, asks by negated price). */
    private static double[] keys(SortedLevels side, boolean bidSide) {
        double[] keys = new double[side.size()];
        double[] top = side.topPrices(side.size());
        for (int i = 0; i < keys.length; i++) {
            keys[keys.length - 1 - i] = bidSide ? top[i] : -top[i];
        }
        return keys;
    }
}
