package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention for one head of one sequence: softmax(Q·Kᵀ / √d) · V.
 *
 * <p>Q, K and V are read from a row-major [tokens × 3·hidden] buffer holding the fused projection
 * (queries, then keys, then values). K is first transposed into a scratch [d × n] block, so both
 * products run as broadcast-and-FMA over contiguous vectors, with no horizontal sums.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Attention() {}

    /** Scratch sizes one worker needs for sequences up to {@code maxTokens} long. */
    public static int scratchSize(int maxTokens, int headSize) {
        int nPad = roundUp(maxTokens);
        return nPad * headSize + nPad;
    }

    static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * Writes the context vectors of {@code head} for tokens [start, start + n) into
     * ctx[token * hidden + head * d ...].
     */
    public static void head(float[] qkv, int start, int n, int hidden, int head, int d, float[] ctx, float[] scratch) {
        head(qkv, start, n, n, hidden, head, d, ctx, scratch);
    }

    /**
     * The same for the first {@code queries} tokens of the sequence only; they still attend to all
     * n tokens. (The last layer of a cross-encoder needs only the first token's context.)
     */
    public static void head(float[] qkv, int start, int n, int queries, int hidden, int head, int d, float[] ctx,
                            float[] scratch) {
        int stride = 3 * hidden;
        int qOff = head * d;
        int kOff = hidden + head * d;
        int vOff = 2 * hidden + head * d;
        int nPad = roundUp(n);
        int scoresAt = nPad * d;
        float scale = (float) (1.0 / Math.sqrt(d));

        for (int k = 0; k < d; k++) {
            int row = k * nPad;
            for (int j = 0; j < n; j++) {
                scratch[row + j] = qkv[(start + j) * stride + kOff + k];
            }
            for (int j = n; j < nPad; j++) {
                scratch[row + j] = 0f;
            }
        }

        for (int i = 0; i < queries; i++) {
            int q = (start + i) * stride + qOff;
            scores(qkv, q, d, scratch, nPad, scoresAt, scale);
            Softmax.apply(scratch, scoresAt, n);
            int out = (start + i) * hidden + head * d;
            if (d == 4 * L) {
                context4(qkv, start, n, stride, vOff, scratch, scoresAt, ctx, out);
            } else {
                context(qkv, start, n, stride, vOff, d, scratch, scoresAt, ctx, out);
            }
        }
    }

    /**
     * scores[j] = scale · q · k_j for every key j, four vectors of j at a time: four independent
     * FMA chains keep the FPU busy where one chain would wait on each FMA's latency.
     */
    private static void scores(float[] qkv, int q, int d, float[] scratch, int nPad, int scoresAt, float scale) {
        int j0 = 0;
        for (; j0 + 4 * L <= nPad; j0 += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int k = 0, row = j0; k < d; k++, row += nPad) {
                FloatVector x = FloatVector.broadcast(S, qkv[q + k]);
                a0 = x.fma(FloatVector.fromArray(S, scratch, row), a0);
                a1 = x.fma(FloatVector.fromArray(S, scratch, row + L), a1);
                a2 = x.fma(FloatVector.fromArray(S, scratch, row + 2 * L), a2);
                a3 = x.fma(FloatVector.fromArray(S, scratch, row + 3 * L), a3);
            }
            a0.mul(scale).intoArray(scratch, scoresAt + j0);
            a1.mul(scale).intoArray(scratch, scoresAt + j0 + L);
            a2.mul(scale).intoArray(scratch, scoresAt + j0 + 2 * L);
            a3.mul(scale).intoArray(scratch, scoresAt + j0 + 3 * L);
        }
        for (; j0 < nPad; j0 += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int k = 0, row = j0; k < d; k++, row += nPad) {
                acc = FloatVector.broadcast(S, qkv[q + k]).fma(FloatVector.fromArray(S, scratch, row), acc);
            }
            acc.mul(scale).intoArray(scratch, scoresAt + j0);
        }
    }

    /** ctx = Σ_j p_j · v_j for a head of exactly four vectors (d = 64 with AVX-512): four chains. */
    private static void context4(float[] qkv, int start, int n, int stride, int vOff, float[] scratch, int scoresAt,
                                 float[] ctx, int out) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int j = 0, v = start * stride + vOff; j < n; j++, v += stride) {
            FloatVector p = FloatVector.broadcast(S, scratch[scoresAt + j]);
            c0 = p.fma(FloatVector.fromArray(S, qkv, v), c0);
            c1 = p.fma(FloatVector.fromArray(S, qkv, v + L), c1);
            c2 = p.fma(FloatVector.fromArray(S, qkv, v + 2 * L), c2);
            c3 = p.fma(FloatVector.fromArray(S, qkv, v + 3 * L), c3);
        }
        c0.intoArray(ctx, out);
        c1.intoArray(ctx, out + L);
        c2.intoArray(ctx, out + 2 * L);
        c3.intoArray(ctx, out + 3 * L);
    }

    /** ctx = Σ_j p_j · v_j for any head size, one (masked) vector at a time. */
    private static void context(float[] qkv, int start, int n, int stride, int vOff, int d, float[] scratch, int scoresAt,
                                float[] ctx, int out) {
        for (int c = 0; c < d; c += L) {
            VectorMask<Float> m = S.indexInRange(c, d);
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < n; j++) {
                FloatVector v = FloatVector.fromArray(S, qkv, (start + j) * stride + vOff + c, m);
                acc = FloatVector.broadcast(S, scratch[scoresAt + j]).fma(v, acc);
            }
            acc.intoArray(ctx, out + c, m);
        }
    }
}
