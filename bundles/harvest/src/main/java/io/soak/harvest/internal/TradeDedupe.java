package io.soak.harvest.internal;

/**
 * Remembers the last {@code window} trade ids of one stream with fixed memory: a ring of ids in arrival
 * order plus an open-addressing set (linear probing, backward-shift deletion) for O(1) membership. An id
 * that falls out of the ring is forgotten (a repeat older than the window is not detected). Eviction from
 * this cache is not a drop and is never counted as one.
 */
final class TradeDedupe {

    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] ring;
    private final long[] table;
    private final int mask;
    private int head;
    private int count;

    TradeDedupe(int window) {
        ring = new long[window];
        int cap = Integer.highestOneBit(Math.max(4, window) * 2 - 1) << 1;
        table = new long[cap];
        java.util.Arrays.fill(table, EMPTY);
        mask = cap - 1;
    }

    /** True the first time {@code id} is seen within the window; false for a duplicate. */
    boolean firstSeen(long id) {
        int i = slot(id);
        while (table[i] != EMPTY) {
            if (table[i] == id) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = id;
        if (count == ring.length) {
            remove(ring[head]);
        } else {
            count++;
        }
        ring[head] = id;
        head = head + 1 == ring.length ? 0 : head + 1;
        return true;
    }

    private int slot(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    private void remove(long id) {
        int i = slot(id);
        while (table[i] != id) {
            if (table[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        // backward-shift deletion keeps every probe chain intact
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (table[j] == EMPTY) {
                break;
            }
            int home = slot(table[j]);
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                table[i] = table[j];
                i = j;
            }
        }
        table[i] = EMPTY;
    }

    /** The remembered ids, oldest first (for a hot-swap snapshot). */
    long[] ids() {
        long[] out = new long[count];
        int start = count == ring.length ? head : 0;
        for (int i = 0; i < count; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return out;
    }
}
