package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A · Wᵀ + b for activations A[rows][in] and a packed weight matrix W[out][in]: every Linear
 * layer of the model.
 *
 * <p>The inner kernel keeps a 4-row × 4-vector tile of C in registers (16 accumulators): for each k
 * it loads 4 weight vectors once and reuses each for 4 rows, against only 4 broadcasts of A —
 * broadcasts compete with FMAs for the same execution ports on x86, so they are kept few. k runs
 * in blocks whose slice of the panel stays in L1 while every row tile uses it; C carries the running
 * sums from one block to the next, starting from the bias. Every element of C is therefore
 * accumulated in the same order (bias, then k = 0, 1, ...) whichever tile or thread computes it,
 * so results do not depend on batch composition or thread count. Threads split the output panels,
 * so each reads only its own share of the weights.
 */
public final class MatMul {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Output columns per packed panel. */
    public static final int PANEL = 4 * L;
    private static final int ROWS = 4;
    /** k values per block: K_BLOCK × PANEL floats of weights stay in L1 across the row tiles. */
    private static final int K_BLOCK = Math.max(16, 8192 / PANEL);
    /** Rows per block: ROW_BLOCK × K_BLOCK floats of A (64 KiB) stay in L2 while every panel uses them. */
    private static final int ROW_BLOCK = 128;

    private MatMul() {}

    /** c[r * out + j] = bias[j] + Σ_k a[r * in + k] · W[j][k], for r &lt; rows. */
    public static void multiply(float[] a, int rows, PackedMatrix w, float[] c, Parallel parallel) {
        if ((long) rows * w.in > a.length || (long) rows * w.out > c.length) {
            throw new IllegalArgumentException("buffers too small for " + rows + " rows");
        }
        if (w.out % PANEL == 0) {
            parallel.forRange(w.panels(), (from, to) -> panels(a, rows, w, from, to, c, w.out));
            return;
        }
        // An output width that is not a whole number of panels: compute into a padded buffer so
        // the kernels never need masked stores, then keep the real columns.
        int stride = w.panels() * PANEL;
        float[] padded = new float[rows * stride];
        parallel.forRange(w.panels(), (from, to) -> panels(a, rows, w, from, to, padded, stride));
        for (int r = 0; r < rows; r++) {
            System.arraycopy(padded, r * stride, c, r * w.out, w.out);
        }
    }

    /**
     * Panels [from, to) of C. The loops nest so that each piece of data is reused from the
     * nearest cache: a K_BLOCK slice of one panel (32 KiB) from L1 across all the row tiles of a
     * row block, and that row block's K_BLOCK slice of A (ROW_BLOCK × K_BLOCK floats) from L2
     * across all the panels.
     */
    private static void panels(float[] a, int rows, PackedMatrix w, int from, int to, float[] c, int stride) {
        for (int p = from; p < to; p++) {
            int col = p * PANEL;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w.bias, col, c, r * stride + col, PANEL);
            }
        }
        for (int k0 = 0; k0 < w.in; k0 += K_BLOCK) {
            int k1 = Math.min(w.in, k0 + K_BLOCK);
            for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
                int r1 = Math.min(rows, r0 + ROW_BLOCK);
                for (int p = from; p < to; p++) {
                    int col = p * PANEL;
                    int base = p * PANEL * w.in;
                    int r = r0;
                    for (; r + ROWS <= r1; r += ROWS) {
                        tile(a, w.in, r, w.data, base, c, stride, col, k0, k1);
                    }
                    for (; r < r1; r++) {
                        row(a, w.in, r, w.data, base, c, stride, col, k0, k1);
                    }
                }
            }
        }
    }

    /** Rows [r, r + 4) × one panel, k in [k0, k1), continuing the sums already in c. */
    private static void tile(float[] a, int in, int r, float[] pw, int base, float[] c, int stride, int col, int k0, int k1) {
        final int o0 = (r + 0) * stride + col;
        final int a0 = (r + 0) * in;
        final int o1 = (r + 1) * stride + col;
        final int a1 = (r + 1) * in;
        final int o2 = (r + 2) * stride + col;
        final int a2 = (r + 2) * in;
        final int o3 = (r + 3) * stride + col;
        final int a3 = (r + 3) * in;
        FloatVector c0_0 = FloatVector.fromArray(S, c, o0);
        FloatVector c0_1 = FloatVector.fromArray(S, c, o0 + 1 * L);
        FloatVector c0_2 = FloatVector.fromArray(S, c, o0 + 2 * L);
        FloatVector c0_3 = FloatVector.fromArray(S, c, o0 + 3 * L);
        FloatVector c1_0 = FloatVector.fromArray(S, c, o1);
        FloatVector c1_1 = FloatVector.fromArray(S, c, o1 + 1 * L);
        FloatVector c1_2 = FloatVector.fromArray(S, c, o1 + 2 * L);
        FloatVector c1_3 = FloatVector.fromArray(S, c, o1 + 3 * L);
        FloatVector c2_0 = FloatVector.fromArray(S, c, o2);
        FloatVector c2_1 = FloatVector.fromArray(S, c, o2 + 1 * L);
        FloatVector c2_2 = FloatVector.fromArray(S, c, o2 + 2 * L);
        FloatVector c2_3 = FloatVector.fromArray(S, c, o2 + 3 * L);
        FloatVector c3_0 = FloatVector.fromArray(S, c, o3);
        FloatVector c3_1 = FloatVector.fromArray(S, c, o3 + 1 * L);
        FloatVector c3_2 = FloatVector.fromArray(S, c, o3 + 2 * L);
        FloatVector c3_3 = FloatVector.fromArray(S, c, o3 + 3 * L);
        int k = k0;
        for (; k + 3 < k1; k += 4) {
            int wk = base + (k) * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, pw, wk);
            FloatVector w1 = FloatVector.fromArray(S, pw, wk + 1 * L);
            FloatVector w2 = FloatVector.fromArray(S, pw, wk + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, pw, wk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0_0 = x.fma(w0, c0_0);
            c0_1 = x.fma(w1, c0_1);
            c0_2 = x.fma(w2, c0_2);
            c0_3 = x.fma(w3, c0_3);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c1_0 = x.fma(w0, c1_0);
            c1_1 = x.fma(w1, c1_1);
            c1_2 = x.fma(w2, c1_2);
            c1_3 = x.fma(w3, c1_3);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c2_0 = x.fma(w0, c2_0);
            c2_1 = x.fma(w1, c2_1);
            c2_2 = x.fma(w2, c2_2);
            c2_3 = x.fma(w3, c2_3);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c3_0 = x.fma(w0, c3_0);
            c3_1 = x.fma(w1, c3_1);
            c3_2 = x.fma(w2, c3_2);
            c3_3 = x.fma(w3, c3_3);
            wk = base + (k + 1) * PANEL;
            w0 = FloatVector.fromArray(S, pw, wk);
            w1 = FloatVector.fromArray(S, pw, wk + 1 * L);
            w2 = FloatVector.fromArray(S, pw, wk + 2 * L);
            w3 = FloatVector.fromArray(S, pw, wk + 3 * L);
            x = FloatVector.broadcast(S, a[a0 + k + 1]);
            c0_0 = x.fma(w0, c0_0);
            c0_1 = x.fma(w1, c0_1);
            c0_2 = x.fma(w2, c0_2);
            c0_3 = x.fma(w3, c0_3);
            x = FloatVector.broadcast(S, a[a1 + k + 1]);
            c1_0 = x.fma(w0, c1_0);
            c1_1 = x.fma(w1, c1_1);
            c1_2 = x.fma(w2, c1_2);
            c1_3 = x.fma(w3, c1_3);
            x = FloatVector.broadcast(S, a[a2 + k + 1]);
            c2_0 = x.fma(w0, c2_0);
            c2_1 = x.fma(w1, c2_1);
            c2_2 = x.fma(w2, c2_2);
            c2_3 = x.fma(w3, c2_3);
            x = FloatVector.broadcast(S, a[a3 + k + 1]);
            c3_0 = x.fma(w0, c3_0);
            c3_1 = x.fma(w1, c3_1);
            c3_2 = x.fma(w2, c3_2);
            c3_3 = x.fma(w3, c3_3);
            wk = base + (k + 2) * PANEL;
            w0 = FloatVector.fromArray(S, pw, wk);
            w1 = FloatVector.fromArray(S, pw, wk + 1 * L);
            w2 = FloatVector.fromArray(S, pw, wk + 2 * L);
            w3 = FloatVector.fromArray(S, pw, wk + 3 * L);
            x = FloatVector.broadcast(S, a[a0 + k + 2]);
            c0_0 = x.fma(w0, c0_0);
            c0_1 = x.fma(w1, c0_1);
            c0_2 = x.fma(w2, c0_2);
            c0_3 = x.fma(w3, c0_3);
            x = FloatVector.broadcast(S, a[a1 + k + 2]);
            c1_0 = x.fma(w0, c1_0);
            c1_1 = x.fma(w1, c1_1);
            c1_2 = x.fma(w2, c1_2);
            c1_3 = x.fma(w3, c1_3);
            x = FloatVector.broadcast(S, a[a2 + k + 2]);
            c2_0 = x.fma(w0, c2_0);
            c2_1 = x.fma(w1, c2_1);
            c2_2 = x.fma(w2, c2_2);
            c2_3 = x.fma(w3, c2_3);
            x = FloatVector.broadcast(S, a[a3 + k + 2]);
            c3_0 = x.fma(w0, c3_0);
            c3_1 = x.fma(w1, c3_1);
            c3_2 = x.fma(w2, c3_2);
            c3_3 = x.fma(w3, c3_3);
            wk = base + (k + 3) * PANEL;
            w0 = FloatVector.fromArray(S, pw, wk);
            w1 = FloatVector.fromArray(S, pw, wk + 1 * L);
            w2 = FloatVector.fromArray(S, pw, wk + 2 * L);
            w3 = FloatVector.fromArray(S, pw, wk + 3 * L);
            x = FloatVector.broadcast(S, a[a0 + k + 3]);
            c0_0 = x.fma(w0, c0_0);
            c0_1 = x.fma(w1, c0_1);
            c0_2 = x.fma(w2, c0_2);
            c0_3 = x.fma(w3, c0_3);
            x = FloatVector.broadcast(S, a[a1 + k + 3]);
            c1_0 = x.fma(w0, c1_0);
            c1_1 = x.fma(w1, c1_1);
            c1_2 = x.fma(w2, c1_2);
            c1_3 = x.fma(w3, c1_3);
            x = FloatVector.broadcast(S, a[a2 + k + 3]);
            c2_0 = x.fma(w0, c2_0);
            c2_1 = x.fma(w1, c2_1);
            c2_2 = x.fma(w2, c2_2);
            c2_3 = x.fma(w3, c2_3);
            x = FloatVector.broadcast(S, a[a3 + k + 3]);
            c3_0 = x.fma(w0, c3_0);
            c3_1 = x.fma(w1, c3_1);
            c3_2 = x.fma(w2, c3_2);
            c3_3 = x.fma(w3, c3_3);
        }
        for (; k < k1; k++) {
            int wk = base + (k) * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, pw, wk);
            FloatVector w1 = FloatVector.fromArray(S, pw, wk + 1 * L);
            FloatVector w2 = FloatVector.fromArray(S, pw, wk + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, pw, wk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0_0 = x.fma(w0, c0_0);
            c0_1 = x.fma(w1, c0_1);
            c0_2 = x.fma(w2, c0_2);
            c0_3 = x.fma(w3, c0_3);
            x = FloatVector.broadcast(S, a[a1 + k]);
            c1_0 = x.fma(w0, c1_0);
            c1_1 = x.fma(w1, c1_1);
            c1_2 = x.fma(w2, c1_2);
            c1_3 = x.fma(w3, c1_3);
            x = FloatVector.broadcast(S, a[a2 + k]);
            c2_0 = x.fma(w0, c2_0);
            c2_1 = x.fma(w1, c2_1);
            c2_2 = x.fma(w2, c2_2);
            c2_3 = x.fma(w3, c2_3);
            x = FloatVector.broadcast(S, a[a3 + k]);
            c3_0 = x.fma(w0, c3_0);
            c3_1 = x.fma(w1, c3_1);
            c3_2 = x.fma(w2, c3_2);
            c3_3 = x.fma(w3, c3_3);
        }
        c0_0.intoArray(c, o0);
        c0_1.intoArray(c, o0 + 1 * L);
        c0_2.intoArray(c, o0 + 2 * L);
        c0_3.intoArray(c, o0 + 3 * L);
        c1_0.intoArray(c, o1);
        c1_1.intoArray(c, o1 + 1 * L);
        c1_2.intoArray(c, o1 + 2 * L);
        c1_3.intoArray(c, o1 + 3 * L);
        c2_0.intoArray(c, o2);
        c2_1.intoArray(c, o2 + 1 * L);
        c2_2.intoArray(c, o2 + 2 * L);
        c2_3.intoArray(c, o2 + 3 * L);
        c3_0.intoArray(c, o3);
        c3_1.intoArray(c, o3 + 1 * L);
        c3_2.intoArray(c, o3 + 2 * L);
        c3_3.intoArray(c, o3 + 3 * L);
    }

    /** Rows [r, r + 1) × one panel, k in [k0, k1), continuing the sums already in c. */
    private static void row(float[] a, int in, int r, float[] pw, int base, float[] c, int stride, int col, int k0, int k1) {
        final int o0 = (r + 0) * stride + col;
        final int a0 = (r + 0) * in;
        FloatVector c0_0 = FloatVector.fromArray(S, c, o0);
        FloatVector c0_1 = FloatVector.fromArray(S, c, o0 + 1 * L);
        FloatVector c0_2 = FloatVector.fromArray(S, c, o0 + 2 * L);
        FloatVector c0_3 = FloatVector.fromArray(S, c, o0 + 3 * L);
        int k = k0;
        for (; k < k1; k++) {
            int wk = base + (k) * PANEL;
            FloatVector w0 = FloatVector.fromArray(S, pw, wk);
            FloatVector w1 = FloatVector.fromArray(S, pw, wk + 1 * L);
            FloatVector w2 = FloatVector.fromArray(S, pw, wk + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, pw, wk + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + k]);
            c0_0 = x.fma(w0, c0_0);
            c0_1 = x.fma(w1, c0_1);
            c0_2 = x.fma(w2, c0_2);
            c0_3 = x.fma(w3, c0_3);
        }
        c0_0.intoArray(c, o0);
        c0_1.intoArray(c, o0 + 1 * L);
        c0_2.intoArray(c, o0 + 2 * L);
        c0_3.intoArray(c, o0 + 3 * L);
    }
}
