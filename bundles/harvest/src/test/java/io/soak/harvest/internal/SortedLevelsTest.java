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
}
