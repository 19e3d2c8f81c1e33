package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A · Wᵀ + b for activations A[rows][in] and a packed weight matrix W[out][in]: every Linear
 * layer of the model.
 *
 * <p>The inner kernel keeps a 4-row × 4-vector tile of C in registers (16 accumulators, 64 output
 * columns with AVX-512): for each k it loads four weight vectors once and reuses each for four
 * rows, so it does 16 FMAs per 4 vector loads and 4 broadcasts. Threads split the output panels,
 * so each reads only its own share of the weights. Every element of C is accumulated in the same
 * order (bias, then k = 0, 1, ...) whichever kernel, tile or thread computes it, so results do not
 * depend on batch composition or thread count.
 */
public final class MatMul {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Output columns per packed panel: four vectors. */
    public static final int PANEL = 4 * L;
    private static final int ROWS = 4;

    private MatMul() {}

    /** c[r * out + j] = bias[j] + Σ_k a[r * in + k] · W[j][k], for r < rows. */
    public static void multiply(float[] a, int rows, PackedMatrix w, float[] c, Parallel parallel) {
        if ((long) rows * w.in > a.length || (long) rows * w.out > c.length) {
            throw new IllegalArgumentException("buffers too small for " + rows + " rows");
        }
        parallel.forRange(w.panels(), (from, to) -> {
            for (int p = from; p < to; p++) {
                panel(a, rows, w, p, c);
            }
        });
    }

    private static void panel(float[] a, int rows, PackedMatrix w, int p, float[] c) {
        int col = p * PANEL;
        boolean full = col + PANEL <= w.out;
        int r = 0;
        for (; r + ROWS <= rows; r += ROWS) {
            tile4(a, r, w, p, c, col, full);
        }
        for (; r < rows; r++) {
            tile1(a, r, w, p, c, col, full);
        }
    }

    private static void tile4(float[] a, int r, PackedMatrix w, int p, float[] c, int col, boolean full) {
        final int in = w.in;
        final float[] pw = w.data;
        final int base = p * PANEL * in;
        FloatVector b0 = FloatVector.fromArray(S, w.bias, col);
        FloatVector b1 = FloatVector.fromArray(S, w.bias, col + L);
        FloatVector b2 = FloatVector.fromArray(S, w.bias, col + 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, w.bias, col + 3 * L);
        FloatVector c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        FloatVector c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        FloatVector c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        FloatVector c30 = b0, c31 = b1, c32 = b2, c33 = b3;
        final int a0 = r * in;
        final int a1 = a0 + in;
        final int a2 = a1 + in;
        final int a3 = a2 + in;
        for (int k = 0; k < in; k++) {
            int wk = base + k * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, pw, wk);
            FloatVector w1 = FloatVector.fromArray(S, pw, wk + L);
            FloatVector w2 = FloatVector.fromArray(S, pw, wk + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, pw, wk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c00 = x.fma(w0, c00);
            c01 = x.fma(w1, c01);
            c02 = x.fma(w2, c02);
            c03 = x.fma(w3, c03);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c10 = x.fma(w0, c10);
            c11 = x.fma(w1, c11);
            c12 = x.fma(w2, c12);
            c13 = x.fma(w3, c13);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c20 = x.fma(w0, c20);
            c21 = x.fma(w1, c21);
            c22 = x.fma(w2, c22);
            c23 = x.fma(w3, c23);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c30 = x.fma(w0, c30);
            c31 = x.fma(w1, c31);
            c32 = x.fma(w2, c32);
            c33 = x.fma(w3, c33);
        }
        int out = w.out;
        store(c00, c01, c02, c03, c, r * out + col, col, out, full);
        store(c10, c11, c12, c13, c, (r + 1) * out + col, col, out, full);
        store(c20, c21, c22, c23, c, (r + 2) * out + col, col, out, full);
        store(c30, c31, c32, c33, c, (r + 3) * out + col, col, out, full);
    }

    private static void tile1(float[] a, int r, PackedMatrix w, int p, float[] c, int col, boolean full) {
        final int in = w.in;
        final float[] pw = w.data;
        final int base = p * PANEL * in;
        FloatVector c0 = FloatVector.fromArray(S, w.bias, col);
        FloatVector c1 = FloatVector.fromArray(S, w.bias, col + L);
        FloatVector c2 = FloatVector.fromArray(S, w.bias, col + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, w.bias, col + 3 * L);
        final int a0 = r * in;
        for (int k = 0; k < in; k++) {
            int wk = base + k * PANEL;
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0 = x.fma(FloatVector.fromArray(S, pw, wk), c0);
            c1 = x.fma(FloatVector.fromArray(S, pw, wk + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, pw, wk + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, pw, wk + 3 * L), c3);
        }
        store(c0, c1, c2, c3, c, r * w.out + col, col, w.out, full);
    }

    private static void store(FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3,
                              float[] c, int at, int col, int out, boolean full) {
        if (full) {
            v0.intoArray(c, at);
            v1.intoArray(c, at + L);
            v2.intoArray(c, at + 2 * L);
            v3.intoArray(c, at + 3 * L);
            return;
        }
        // The last panel of an odd-sized output: write only the columns that exist.
        FloatVector[] vs = {v0, v1, v2, v3};
        for (int v = 0; v < 4; v++) {
            int start = col + v * L;
            if (start >= out) {
                break;
            }
            VectorMask<Float> m = S.indexInRange(start, out);
            vs[v].intoArray(c, at + v * L, m);
        }
    }
}
