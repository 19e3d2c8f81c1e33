package dev.rerank.tokenizer;

import java.util.Arrays;

/** A growable list of primitive ints, to collect token ids without boxing. */
final class IntList {
    private int[] items = new int[64];
    private int size;

    void add(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = value;
    }

    void addAll(int[] values) {
        if (size + values.length > items.length) {
            items = Arrays.copyOf(items, Math.max(items.length * 2, size + values.length));
        }
        System.arraycopy(values, 0, items, size, values.length);
        size += values.length;
    }

    /** Drops everything after the first {@code size} items. */
    void truncate(int size) {
        this.size = size;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
