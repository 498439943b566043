package io.soak.harvest.internal;

import java.util.Arrays;

/**
 * A small cache from the characters of a stream name to its {@link StreamInfo}, so parsing a message does
 * not allocate the stream name. Bounded: past {@link #MAX} distinct names (a misbehaving feed) it stops
 * caching and allocates. Single-threaded (one per parser).
 */
final class StreamTable {

    static final int MAX = 512;

    private char[][] keys = new char[64][];
    private StreamInfo[] values = new StreamInfo[64];
    private int size;

    StreamInfo lookup(char[] buf, int off, int len) {
        int h = hash(buf, off, len);
        int mask = keys.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            char[] k = keys[i];
            if (k == null) {
                StreamInfo info = new StreamInfo(new String(buf, off, len));
                if (size < MAX) {
                    if ((size + 1) * 2 > keys.length) {
                        grow();
                        return insert(info);
                    }
                    keys[i] = Arrays.copyOfRange(buf, off, off + len);
                    values[i] = info;
                    size++;
                }
                return info;
            }
            if (k.length == len && Arrays.equals(k, 0, len, buf, off, off + len)) {
                return values[i];
            }
        }
    }

    private StreamInfo insert(StreamInfo info) {
        char[] c = info.name.toCharArray();
        int mask = keys.length - 1;
        int i = hash(c, 0, c.length) & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = c;
        values[i] = info;
        size++;
        return info;
    }

    private void grow() {
        char[][] oldK = keys;
        StreamInfo[] oldV = values;
        keys = new char[oldK.length * 2][];
        values = new StreamInfo[oldK.length * 2];
        size = 0;
        for (int i = 0; i < oldK.length; i++) {
            if (oldK[i] != null) {
                insert(oldV[i]);
            }
        }
    }

    private static int hash(char[] buf, int off, int len) {
        int h = 0;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + buf[i];
        }
        return h ^ (h >>> 16);
    }
}
