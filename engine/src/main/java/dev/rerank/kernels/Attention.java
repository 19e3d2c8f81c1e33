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

        for (int i = 0; i < n; i++) {
            int q = (start + i) * stride + qOff;
            for (int j0 = 0; j0 < nPad; j0 += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int k = 0; k < d; k++) {
                    acc = FloatVector.broadcast(S, qkv[q + k]).fma(FloatVector.fromArray(S, scratch, k * nPad + j0), acc);
                }
                acc.mul(scale).intoArray(scratch, scoresAt + j0);
            }
            Softmax.apply(scratch, scoresAt, n);

            int out = (start + i) * hidden + head * d;
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
}
