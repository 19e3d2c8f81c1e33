package dev.rerank.kernels;

/**
 * A weight matrix W[out][in] (PyTorch's Linear layout) with its bias, laid out for {@link MatMul}.
 *
 * <p>Output columns are grouped in panels of {@link MatMul#PANEL} columns; inside a panel the
 * values for one input index k are contiguous. The kernel then reads each panel front to back,
 * one cache line per vector, while it broadcasts activations. The last panel is zero-padded.
 */
public final class PackedMatrix {
    /** Supplies row {@code row} of W (its {@code in} weights) into {@code dst}. */
    public interface RowSource {
        void row(int row, float[] dst);
    }

    final int in;
    final int out;
    final float[] data;
    final float[] bias;

    private PackedMatrix(int in, int out, float[] data, float[] bias) {
        this.in = in;
        this.out = out;
        this.data = data;
        this.bias = bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public int panels() {
        return (out + MatMul.PANEL - 1) / MatMul.PANEL;
    }

    /** Packs W row by row, so the full unpacked matrix never needs to exist in memory. */
    public static PackedMatrix pack(int out, int in, RowSource rows, float[] bias) {
        if (bias.length != out) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + out + " outputs");
        }
        int p = MatMul.PANEL;
        int panels = (out + p - 1) / p;
        float[] data = new float[Math.multiplyExact(Math.multiplyExact(panels, p), in)];
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            rows.row(o, row);
            int base = (o / p) * p * in + (o % p);
            for (int k = 0; k < in; k++) {
                data[base + k * p] = row[k];
            }
        }
        float[] paddedBias = new float[panels * p];
        System.arraycopy(bias, 0, paddedBias, 0, out);
        return new PackedMatrix(in, out, data, paddedBias);
    }

    /** Packs a plain row-major float[out * in]. */
    public static PackedMatrix pack(float[] w, int out, int in, float[] bias) {
        return pack(out, in, (r, dst) -> System.arraycopy(w, r * in, dst, 0, in), bias);
    }
}
