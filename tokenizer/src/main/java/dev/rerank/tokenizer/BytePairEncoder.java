package dev.rerank.tokenizer;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding of one word: start from one symbol per byte, then keep merging the adjacent
 * pair with the lowest merge rank (the leftmost one on ties) until no listed merge applies.
 *
 * <p>Merges run off a priority queue over a linked list of symbols, so a 100,000-byte word costs
 * O(n log n), not O(n²). Results for short words are cached; the cache is bounded and shared by
 * all threads.
 */
final class BytePairEncoder {
    private static final int CACHE_CAPACITY = 10_000;
    private static final int CACHEABLE_WORD_LENGTH = 64;

    private final int[] byteIds = new int[256];
    private final MergeTable merges;
    private final TokenTable vocab;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BytePairEncoder(TokenTable vocab, MergeTable merges, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.ignoreMerges = ignoreMerges;
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.valueOf(ByteLevel.charOf(b)));
            if (id < 0) {
                throw new IllegalArgumentException(
                        "vocabulary lacks the byte-level symbol for byte 0x" + Integer.toHexString(b));
            }
            byteIds[b] = id;
        }
    }

    /** Appends the ids of {@code word} (already UTF-8 encoded) to {@code out}. */
    void encode(String word, byte[] utf8, int length, IntList out) {
        boolean cacheable = length <= CACHEABLE_WORD_LENGTH;
        if (cacheable) {
            int[] hit = cache.get(word);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        int[] ids = merge(utf8, length);
        if (cacheable && cache.size() < CACHE_CAPACITY) {
            cache.putIfAbsent(word, ids);
        }
        out.addAll(ids);
    }

    private int[] merge(byte[] utf8, int n) {
        if (ignoreMerges) {
            int whole = vocab.id(ByteLevel.toVocabularyText(utf8, 0, n));
            if (whole >= 0) {
                return new int[] {whole};
            }
        }
        int[] id = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = byteIds[utf8[i] & 0xFF];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        if (n == 1) {
            return id;
        }
        // Queue entries are (rank << 32 | position): the smallest is the lowest rank, leftmost.
        LongHeap queue = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, id, i, i + 1);
        }
        int alive = n;
        while (!queue.isEmpty()) {
            long top = queue.poll();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            int right = next[pos];
            // Skip entries made stale by an earlier merge: the symbol or its neighbour changed.
            if (id[pos] < 0 || right < 0) {
                continue;
            }
            long merge = merges.get(id[pos], id[right]);
            if (merge == MergeTable.ABSENT || (int) (merge >>> 32) != rank) {
                continue;
            }
            id[pos] = (int) merge;
            id[right] = -1;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            alive--;
            if (prev[pos] >= 0) {
                offer(queue, id, prev[pos], pos);
            }
            if (next[pos] >= 0) {
                offer(queue, id, pos, next[pos]);
            }
        }
        int[] result = new int[alive];
        for (int i = 0, k = 0; i >= 0; i = next[i]) {
            result[k++] = id[i];
        }
        return result;
    }

    private void offer(LongHeap queue, int[] id, int left, int right) {
        long merge = merges.get(id[left], id[right]);
        if (merge != MergeTable.ABSENT) {
            queue.add((merge >>> 32) << 32 | left);
        }
    }

    /** A binary min-heap of primitive longs. */
    private static final class LongHeap {
        private long[] items;
        private int size;

        LongHeap(int capacity) {
            items = new long[Math.max(capacity, 4)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long value) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= value) {
                    break;
                }
                items[i] = items[parent];
                i = parent;
            }
            items[i] = value;
        }

        long poll() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (items[child] >= last) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
