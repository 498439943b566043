package io.soak.signal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RollingRobustTest {

    @Test
    void medianAndMadOfAHandComputedWindow() {
        RollingRobust w = new RollingRobust(5);
        for (double x : new double[] {100, 1, 4, 3, 2}) {
            w.add(x);
        }
        // sorted 1 2 3 4 100: median 3, |deviations| 2 1 0 1 97 -> sorted 0 1 1 2 97: MAD 1
        assertThat(w.median()).isEqualTo(3.0);
        assertThat(w.mad(3.0)).isEqualTo(1.0);
    }

    @Test
    void evenSizedWindowAveragesTheTwoMiddleValues() {
        RollingRobust w = new RollingRobust(10);
        for (double x : new double[] {1, 2, 4, 10}) {
            w.add(x);
        }
        // median (2+4)/2 = 3; deviations 2 1 1 7 -> sorted 1 1 2 7: MAD (1+2)/2
        assertThat(w.median()).isEqualTo(3.0);
        assertThat(w.mad(3.0)).isEqualTo(1.5);
    }

    @Test
    void fullWindowDropsTheOldestSample() {
        RollingRobust w = new RollingRobust(3);
        for (double x : new double[] {5, 1, 9, 2}) {
            w.add(x);
        }
        assertThat(w.samples()).containsExactly(1, 9, 2);
        assertThat(w.median()).isEqualTo(2.0);
    }

    @Test
    void matchesNaiveSortOnRandomStreamsWithDuplicates() {
        SplittableRandom rnd = new SplittableRandom(42);
        RollingRobust w = new RollingRobust(300);
        double[] naive = new double[300];
        int n = 0;
        for (int i = 0; i < 5_000; i++) {
            double x = rnd.nextInt(4) == 0 ? Math.rint(rnd.nextGaussian() * 3) : rnd.nextGaussian() * 10;
            if (i % 97 == 0) {
                x = -0.0;
            }
            w.add(x);
            if (n < 300) {
                naive[n++] = x + 0.0;
            } else {
                System.arraycopy(naive, 1, naive, 0, 299);
                naive[299] = x + 0.0;
            }
            double[] s = Arrays.copyOf(naive, n);
            Arrays.sort(s);
            double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
            double[] dev = new double[n];
            for (int k = 0; k < n; k++) {
                dev[k] = Math.abs(s[k] - med);
            }
            Arrays.sort(dev);
            double mad = n % 2 == 1 ? dev[n / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
            assertThat(w.median()).isEqualTo(med);
            assertThat(w.mad(w.median())).isCloseTo(mad, within(1e-12));
            // the mid-rank of a probe (one of the window's values, so ties happen, or a fresh one) by counting
            double probe = rnd.nextBoolean() ? s[rnd.nextInt(n)] : rnd.nextGaussian() * 10;
            int below = 0;
            int equal = 0;
            for (double v : s) {
                below += v < probe ? 1 : 0;
                equal += v == probe ? 1 : 0;
            }
            assertThat(w.midRankQuantile(probe)).isEqualTo((below + equal / 2.0 + 0.5) / (n + 1.0));
        }
    }

    @Test
    void midRankQuantileSharesTiesAndIsSymmetric() {
        RollingRobust w = new RollingRobust(300);
        for (double x : new double[] {1, 2, 2, 2, 3}) {
            w.add(x);
        }
        // below 1: r 0 -> 0.5/6; the value 2 (1 below, 3 equal): r 2.5 -> 3/6 = 0.5; above all: r 5 -> 5.5/6
        assertThat(w.midRankQuantile(0.0)).isEqualTo(0.5 / 6);
        assertThat(w.midRankQuantile(1.0)).isEqualTo(1.0 / 6);
        assertThat(w.midRankQuantile(2.0)).isEqualTo(0.5);
        assertThat(w.midRankQuantile(2.5)).isEqualTo(4.5 / 6);
        assertThat(w.midRankQuantile(9.0)).isEqualTo(5.5 / 6);
        assertThat(w.midRankQuantile(-0.0)).isEqualTo(w.midRankQuantile(0.0));
        RollingRobust empty = new RollingRobust(3);
        assertThat(empty.midRankQuantile(1.0)).isEqualTo(0.5);
    }

    @Test
    void ignoresNonFiniteSamples() {
        RollingRobust w = new RollingRobust(3);
        w.add(Double.NaN);
        w.add(Double.POSITIVE_INFINITY);
        assertThat(w.size()).isZero();
    }

    @Test
    void roundTripsThroughItsSnapshotKeepingTheNewestWhenSmaller() throws Exception {
        RollingRobust w = new RollingRobust(4);
        for (double x : new double[] {1, 2, 3, 4, 5}) {
            w.add(x);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        w.write(new DataOutputStream(bytes));
        RollingRobust same = new RollingRobust(4);
        same.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(same.samples()).containsExactly(2, 3, 4, 5);
        RollingRobust smaller = new RollingRobust(2);
        smaller.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(smaller.samples()).containsExactly(4, 5);
    }
}
