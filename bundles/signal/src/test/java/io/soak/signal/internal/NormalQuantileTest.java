package io.soak.signal.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class NormalQuantileTest {

    @Test
    void agreesWithCommonsMathAndKnownValuesOverTheWholeRange() {
        assertThat(NormalQuantile.of(0.5)).isEqualTo(0.0);
        assertThat(NormalQuantile.of(0.975)).isCloseTo(1.959963984540054, within(1e-14));
        assertThat(NormalQuantile.of(0.025)).isCloseTo(-1.959963984540054, within(1e-14));
        assertThat(NormalQuantile.of(0.5 / 301)).isCloseTo(-2.936, within(1e-3));
        NormalDistribution n = new NormalDistribution(null, 0, 1);
        SplittableRandom rnd = new SplittableRandom(14);
        for (int i = 0; i < 100_000; i++) {
            // commons-math computes sqrt(2)·erfInv(2p − 1), which loses digits below p ~ 1e-6 (2p − 1 cancels):
            // compared there down to 1e-6; the far tail against high-precision values below
            double p = i < 50_000 ? rnd.nextDouble() : Math.pow(10, -1 - 5 * rnd.nextDouble());
            double expected = n.inverseCumulativeProbability(p);
            assertThat(NormalQuantile.of(p)).as("p=%s", p).isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
            assertThat(NormalQuantile.of(1 - p)).as("1-p, p=%s", p).isCloseTo(-NormalQuantile.of(p), within(1e-9));
        }
        // every quantile the rank z can take, for every window size up to 300
        for (int size = 1; size <= 300; size++) {
            for (int twiceR = 0; twiceR <= 2 * size; twiceR++) {
                double p = (twiceR / 2.0 + 0.5) / (size + 1.0);
                assertThat(NormalQuantile.of(p)).isCloseTo(n.inverseCumulativeProbability(p), within(1e-12));
            }
        }
        // far tail: sqrt(2)·erfinv(2p − 1) at 40 digits (mpmath)
        assertThat(NormalQuantile.of(1e-5)).isCloseTo(-4.2648907939228246285, within(1e-14));
        assertThat(NormalQuantile.of(1e-10)).isCloseTo(-6.3613409024040562047, within(1e-13));
        assertThat(NormalQuantile.of(1e-15)).isCloseTo(-7.941345326170996781, within(1e-13));
        assertThat(NormalQuantile.of(2.6941076536962653e-11)).isCloseTo(-6.5597940225389685417, within(1e-13));
        assertThat(NormalQuantile.of(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(NormalQuantile.of(1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(NormalQuantile.of(Double.NaN)).isNaN();
        assertThat(NormalQuantile.of(1.5)).isNaN();
    }
}
