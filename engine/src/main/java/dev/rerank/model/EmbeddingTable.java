package dev.rerank.model;

import dev.rerank.kernels.HalfFloats;
import dev.rerank.weights.DType;
import java.lang.foreign.MemorySegment;

/**
 * A lookup table [rows][width] (word, position or token-type embeddings), held as float32 or as
 * F16 / BF16 bit patterns. The word table is the largest tensor of most encoders (a third of
 * all-MiniLM-L6-v2), so a 16-bit checkpoint's table stays 16-bit and only the rows a batch looks
 * up are widened — exactly, so the sums built from them are the float32 ones. Its patterns live off
 * the heap, in the model's memory, as the matrices' do (see {@link dev.rerank.kernels.PackedMatrix}).
 */
final class EmbeddingTable {
    private final int width;
    private final DType format;
    private final float[] floats; // F32 values, or null
    private final MemorySegment halves; // F16 / BF16 patterns, or null

    private EmbeddingTable(int width, DType format, float[] floats, MemorySegment halves) {
        this.width = width;
        this.format = format;
        this.floats = floats;
        this.halves = halves;
    }

    static EmbeddingTable of(int width, float[] values) {
        return new EmbeddingTable(width, DType.F32, values, null);
    }

    static EmbeddingTable of(int width, DType format, MemorySegment patterns) {
        if (format != DType.F16 && format != DType.BF16) {
            throw new IllegalArgumentException(format + " is not a 16-bit float format");
        }
        return new EmbeddingTable(width, format, null, patterns);
    }

    DType format() {
        return format;
    }

    /** dst[at .. at + width) = row {@code row} of the table, as float32. */
    void row(int row, float[] dst, int at) {
        if (floats != null) {
            System.arraycopy(floats, row * width, dst, at, width);
        } else {
            HalfFloats.widen(format, halves, (long) row * width, dst, at, width);
        }
    }
}
