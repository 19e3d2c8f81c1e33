package dev.rerank.kernels;

import dev.rerank.weights.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A weight matrix W[out][in] (PyTorch's Linear layout) with its bias, laid out for {@link MatMul}.
 *
 * <p>Output columns are grouped in panels of {@link MatMul#PANEL} columns; inside a panel the
 * values for one input index k are contiguous. The kernel then reads each panel front to back,
 * one cache line per vector, while it broadcasts activations. The last panel is zero-padded.
 *
 * <p>The weights are float32, or F16 / BF16 bit patterns kept in 16 bits — half the memory and half
 * the bytes streamed per pass — which the kernel widens exactly, panel by panel, as it reads them.
 * The bias is always float32 (it is tiny).
 *
 * <p>16-bit patterns live outside the Java heap, in memory of an {@link Arena} the caller owns (the
 * model's, freed when it is closed). Only the widening and the kernel's read-ahead read them, once
 * per panel and once per cache line, so where they live costs the kernel nothing measurable. On the
 * heap, the embedding table and every matrix over 2 MB were "humongous" G1 objects of whole 4 MB
 * regions; filling them set off concurrent collections, and the heap grew around them. A 16-bit
 * checkpoint of the distilroberta shape (156.6 MB) measured file + 101.5 MB resident after loading
 * with the patterns on the heap, file + 62.1 MB with them here (Footprint, medians of 3 fresh JVMs,
 * AMD EPYC, JDK 25; benchmarks/RESULTS.md).
 */
public final class PackedMatrix {
    /** Supplies row {@code row} of W (its {@code in} weights) into {@code dst}. */
    public interface RowSource {
        void row(int row, float[] dst);
    }

    /** Supplies row {@code row} of W as {@code in} stored 16-bit patterns into {@code dst}. */
    public interface HalfRowSource {
        void row(int row, short[] dst);
    }

    final int in;
    final int out;
    final DType format;
    /** The packed weights when the format is F32, else null. */
    final float[] data;
    /** The packed 16-bit patterns when the format is F16 or BF16 (off-heap), else null. */
    final MemorySegment halves;
    final float[] bias;

    private PackedMatrix(int in, int out, DType format, float[] data, MemorySegment halves, float[] bias) {
        this.in = in;
        this.out = out;
        this.format = format;
        this.data = data;
        this.halves = halves;
        this.bias = bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** F32, F16 or BF16: how the weights are held. */
    public DType format() {
        return format;
    }

    public int panels() {
        return (out + MatMul.PANEL - 1) / MatMul.PANEL;
    }

    /** Packs W row by row, so the full unpacked matrix never needs to exist in memory. */
    public static PackedMatrix pack(int out, int in, RowSource rows, float[] bias) {
        float[] data = new float[packedSize(out, in, bias)];
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            rows.row(o, row);
            int base = rowBase(o, in);
            for (int k = 0; k < in; k++) {
                data[base + k * MatMul.PANEL] = row[k];
            }
        }
        return new PackedMatrix(in, out, DType.F32, data, null, paddedBias(bias));
    }

    /**
     * Packs W given as F16 or BF16 bit patterns, which stay 16-bit, in memory of {@code arena}: the
     * matrix can be used until the arena is closed, from any thread the arena allows.
     */
    public static PackedMatrix pack(DType format, int out, int in, HalfRowSource rows, float[] bias, Arena arena) {
        if (format != DType.F16 && format != DType.BF16) {
            throw new IllegalArgumentException(format + " is not a 16-bit float format");
        }
        // Cache-line aligned, as the heap's arrays are in practice: a panel's vectors never straddle lines.
        MemorySegment halves = arena.allocate(2L * packedSize(out, in, bias), 64);
        short[] row = new short[in];
        for (int o = 0; o < out; o++) {
            rows.row(o, row);
            long base = rowBase(o, in);
            for (int k = 0; k < in; k++) {
                halves.setAtIndex(ValueLayout.JAVA_SHORT, base + (long) k * MatMul.PANEL, row[k]);
            }
        }
        return new PackedMatrix(in, out, format, null, halves, paddedBias(bias));
    }

    /** Packs a plain row-major float[out * in]. */
    public static PackedMatrix pack(float[] w, int out, int in, float[] bias) {
        return pack(out, in, (r, dst) -> System.arraycopy(w, r * in, dst, 0, in), bias);
    }

    private static int packedSize(int out, int in, float[] bias) {
        if (bias.length != out) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + out + " outputs");
        }
        int panels = (out + MatMul.PANEL - 1) / MatMul.PANEL;
        return Math.multiplyExact(Math.multiplyExact(panels, MatMul.PANEL), in);
    }

    /** Where W[o][0] goes: its panel's start plus its column within the panel. */
    private static int rowBase(int o, int in) {
        int p = MatMul.PANEL;
        return (o / p) * p * in + (o % p);
    }

    private static float[] paddedBias(float[] bias) {
        int p = MatMul.PANEL;
        float[] padded = new float[(bias.length + p - 1) / p * p];
        System.arraycopy(bias, 0, padded, 0, bias.length);
        return padded;
    }
}
