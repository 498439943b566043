package io.soak.harvest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TradeDedupeTest {

    @Test
    void detectsRepeatsWithinTheWindowAndForgetsOlderIds() {
        TradeDedupe d = new TradeDedupe(4);
        for (long id = 1; id <= 4; id++) {
            assertThat(d.firstSeen(id)).isTrue();
        }
        assertThat(d.firstSeen(3)).isFalse();
        assertThat(d.firstSeen(5)).isTrue(); // evicts 1
        assertThat(d.firstSeen(1)).isTrue(); // forgotten: seen again as new (evicts 2)
        assertThat(d.firstSeen(4)).isFalse();
    }

    @Test
    void agreesWithAnExactSlidingWindowOnRandomIds() {
        int window = 1024;
        TradeDedupe d = new TradeDedupe(window);
        java.util.ArrayDeque<Long> ring = new java.util.ArrayDeque<>();
        Set<Long> set = new HashSet<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long id = rnd.nextLong(5_000);
            boolean expected = !set.contains(id);
            assertThat(d.firstSeen(id)).as("id %d at %d", id, i).isEqualTo(expected);
            if (expected) {
                set.add(id);
                ring.addLast(id);
                if (ring.size() > window) {
                    set.remove(ring.pollFirst());
                }
            }
        }
    }
}
