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
        agreesWithAnExactSlidingWindow(1024, 5_000, 200_000);
    }

    @Test
    void agreesWithAnExactSlidingWindowWhileItGrows() {
        // 3,000 is above the initial capacity and not a power of two: the ring grows 1024 → 2048 → 3000
        agreesWithAnExactSlidingWindow(3_000, 8_000, 200_000);
        agreesWithAnExactSlidingWindow(1, 3, 1_000);
    }

    @Test
    void snapshotIdsAreOldestFirstBeforeAndAfterTheWindowFills() {
        TradeDedupe d = new TradeDedupe(2_000);
        for (long id = 0; id < 1_500; id++) {
            d.firstSeen(id);
        }
        assertThat(d.ids()).hasSize(1_500).startsWith(0L, 1L).endsWith(1_499L);
        for (long id = 1_500; id < 2_500; id++) {
            d.firstSeen(id);
        }
        assertThat(d.ids()).hasSize(2_000).startsWith(500L, 501L).endsWith(2_499L);
    }

    /**
     * Memory shape (issue 16: 60 symbols × 1.5 MB of dedupe): a stream that saw few trades holds little, and a
     * full 65,536-id window holds at most 16 bytes per id. Measured from the instance's arrays, so it reads
     * the same on any version of the class (the earlier one held 1.5 MiB from the first trade: fails).
     */
    @Test
    void memoryFollowsTheIdsSeenAndAFullWindowCostsAtMostSixteenBytesPerId() throws Exception {
        int window = 65_536;
        TradeDedupe d = new TradeDedupe(window);
        for (long id = 1; id <= 100; id++) {
            d.firstSeen(id);
        }
        assertThat(arrayBytes(d)).as("after 100 ids").isLessThanOrEqualTo(64 * 1024);
        for (long id = 101; id <= 200_000; id++) {
            d.firstSeen(id);
        }
        assertThat(arrayBytes(d)).as("full window").isLessThanOrEqualTo(16L * window);
        assertThat(d.firstSeen(200_000 - window + 1)).isFalse();
        assertThat(d.firstSeen(200_000 - window)).isTrue();
    }

    private static long arrayBytes(Object o) throws IllegalAccessException {
        long bytes = 0;
        for (java.lang.reflect.Field f : o.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || !f.getType().isArray()) {
                continue;
            }
            f.setAccessible(true);
            Object a = f.get(o);
            int n = java.lang.reflect.Array.getLength(a);
            Class<?> c = f.getType().getComponentType();
            bytes += (long) n * (c == long.class || c == double.class ? 8 : c == int.class || c == float.class ? 4 : 8);
        }
        return bytes;
    }

    private static void agreesWithAnExactSlidingWindow(int window, int idRange, int steps) {
        TradeDedupe d = new TradeDedupe(window);
        java.util.ArrayDeque<Long> ring = new java.util.ArrayDeque<>();
        Set<Long> set = new HashSet<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < steps; i++) {
            long id = rnd.nextLong(idRange);
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
