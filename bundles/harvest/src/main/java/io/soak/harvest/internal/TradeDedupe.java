package io.soak.harvest.internal;

import java.util.Arrays;

/**
 * Remembers the last {@code window} trade ids of one stream with bounded memory: a ring of ids in arrival
 * order ({@code long[]}) plus an open-addressing set (linear probing, backward-shift deletion) for O(1)
 * membership whose slots hold the ring position of an id ({@code int[]}, load ≤ 0.5), not the id itself. An
 * id that falls out of the ring is forgotten (a repeat older than the window is not detected). Eviction from
 * this cache is not a drop and is never counted as one.
 *
 * <p>Memory: both arrays start at {@link #INITIAL} ids and double as ids arrive, up to {@code window}; a full
 * window costs 8 + 8 bytes per id (ring + a table of twice the window's ints): 1 MiB at the default 65,536,
 * where the earlier {@code long} table took 1.5 MiB from the first trade on.
 */
final class TradeDedupe {

    static final int INITIAL = 1024;
    private static final int EMPTY = -1;

    private final int window;
    private long[] ring;
    private int[] table;
    private int mask;
    private int head;
    private int count;

    TradeDedupe(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + window);
        }
        this.window = window;
        allocate(Math.min(window, INITIAL));
    }

    /** True the first time {@code id} is seen within the window; false for a duplicate. */
    boolean firstSeen(long id) {
        int i = slot(id);
        while (table[i] != EMPTY) {
            if (ring[table[i]] == id) {
                return false;
            }
            i = (i + 1) & mask;
        }
        if (count == ring.length) {
            if (ring.length < window) {
                grow();
            } else {
                remove(head);
            }
            i = slot(id); // the table changed: find the free slot again
            while (table[i] != EMPTY) {
                i = (i + 1) & mask;
            }
        }
        if (count < ring.length) {
            count++;
        }
        ring[head] = id;
        table[i] = head;
        head = head + 1 == ring.length ? 0 : head + 1;
        return true;
    }

    /** Bytes held by the ring and the table (for the memory figures and the memory-shape test). */
    long retainedBytes() {
        return 8L * ring.length + 4L * table.length;
    }

    private void allocate(int capacity) {
        ring = new long[capacity];
        int cap = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
        table = new int[cap];
        Arrays.fill(table, EMPTY);
        mask = cap - 1;
    }

    /** Doubles the ring (only while it never wrapped: ids sit at 0 … count-1) and rebuilds the table. */
    private void grow() {
        long[] old = ring;
        allocate(Math.min(window, old.length * 2));
        System.arraycopy(old, 0, ring, 0, count);
        for (int p = 0; p < count; p++) {
            int i = slot(ring[p]);
            while (table[i] != EMPTY) {
                i = (i + 1) & mask;
            }
            table[i] = p;
        }
        head = count;
    }

    private int slot(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** Removes the table entry of the id at ring position {@code pos}. */
    private void remove(int pos) {
        int i = slot(ring[pos]);
        while (table[i] != pos) {
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
            int home = slot(ring[table[j]]);
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
