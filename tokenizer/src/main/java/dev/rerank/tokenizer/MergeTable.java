package dev.rerank.tokenizer;

/**
 * The BPE merge list as a hash table from a symbol pair to (rank, merged symbol).
 *
 * <p>Open addressing over primitive arrays: a lookup is on the hot path of every uncached word,
 * and boxing a {@code Long} per lookup would cost more than the lookup itself.
 */
final class MergeTable {
    static final long ABSENT = -1L;
    private static final long EMPTY_KEY = -1L;

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(keys, EMPTY_KEY);
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** Adds a merge; a pair listed twice keeps its later rank, as the reference does. */
    boolean put(int left, int right, int rank, int mergedId) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != EMPTY_KEY) {
            if (keys[i] == k) {
                values[i] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
                return false;
            }
            i = (i + 1) & mask;
        }
        if (size * 2 >= keys.length) {
            throw new IllegalStateException("merge table over capacity");
        }
        keys[i] = k;
        values[i] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
        size++;
        return true;
    }

    /** (rank << 32 | merged id) for the pair, or {@link #ABSENT}. */
    long get(int left, int right) {
        long k = key(left, right);
        int i = slot(k);
        while (true) {
            long found = keys[i];
            if (found == k) {
                return values[i];
            }
            if (found == EMPTY_KEY) {
                return ABSENT;
            }
            i = (i + 1) & mask;
        }
    }

    int size() {
        return size;
    }
}
