package dev.rerank.weights;

import java.util.Arrays;

/** What a weight source knows of one tensor before reading it. */
public record TensorInfo(String name, DType dtype, long[] shape) {
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
