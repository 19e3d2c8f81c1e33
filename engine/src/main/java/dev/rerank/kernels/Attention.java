package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention for one head of one sequence: softmax(Q·Kᵀ / √d) · V.
 *
 * <p>Q, K and V are read from a row-major [tokens × 3·hidden] buffer holding the fused projection
 * (queries, then keys, then values). K is first transposed into a scratch [d × n] block, so both
 * products run as broadcast-and-FMA over contiguous vectors, with no horizontal sums. Queries go
 * four at a time through register tiles of 4 queries × 2 vectors (of keys for the scores, of head
 * dimensions for the context): 8 independent FMA chains, enough for two FMA units, in 14 vector
 * registers with the loads, so they fit AVX2's 16 — a 4 × 4 tile (24 registers) kept a third of
 * its accumulators on the stack there (see {@link MatMul.Tile}). Each score and each context value
 * is one sum in a fixed order (k = 0, 1, ... or j = 0, 1, ...), so a query's result is the same, bit
 * for bit, whether it is computed in a group of four or alone, and whatever the vector width.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Attention() {}

    /** Scratch sizes one worker needs for sequences up to {@code maxTokens} long. */
    public static int scratchSize(int maxTokens, int headSize) {
        int nPad = roundUp(maxTokens);
        return nPad * headSize + 4 * nPad; // Kᵀ, then the scores of four queries
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
     * The same for the first {@code queries} tokens of the sequence only, written from row
     * {@code ctxRow} of ctx on; they still attend to all n tokens. (The last layer of a
     * cross-encoder needs only the first token's context.)
     */
    public static void head(float[] qkv, int start, int n, int queries, int hidden, int head, int d, float[] ctx,
                            float[] scratch) {
        head(qkv, start, n, queries, hidden, head, d, ctx, start, scratch);
    }

    /** The general form: queries 0..queries-1 of the sequence at {@code start}, outputs from row {@code ctxRow}. */
    public static void head(float[] qkv, int start, int n, int queries, int hidden, int head, int d, float[] ctx,
                            int ctxRow, float[] scratch) {
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

        int i = 0;
        for (; i + 4 <= queries; i += 4) {
            int q = (start + i) * stride + qOff;
            scores4(qkv, q, stride, d, scratch, nPad, scoresAt, scale);
            for (int r = 0; r < 4; r++) {
                Softmax.apply(scratch, scoresAt + r * nPad, n);
            }
            int out = (ctxRow + i) * hidden + head * d;
            context4(qkv, start, n, stride, vOff, d, scratch, scoresAt, nPad, ctx, out, hidden);
        }
        for (; i < queries; i++) {
            int q = (start + i) * stride + qOff;
            scores(qkv, q, d, scratch, nPad, scoresAt, scale);
            Softmax.apply(scratch, scoresAt, n);
            int out = (ctxRow + i) * hidden + head * d;
            context(qkv, start, n, stride, vOff, d, scratch, scoresAt, ctx, out);
        }
    }

    /**
     * Scores of four consecutive queries (rows scoresAt + r·nPad) against every key, two vectors
     * of keys at a time (see the class comment), then the last odd vector of keys per query.
     */
    private static void scores4(float[] qkv, int q, int stride, int d, float[] scratch, int nPad, int scoresAt, float scale) {
        int j0 = 0;
        for (; j0 + 2 * L <= nPad; j0 += 2 * L) {
            FloatVector a00 = FloatVector.zero(S); FloatVector a01 = FloatVector.zero(S);
            FloatVector a10 = FloatVector.zero(S); FloatVector a11 = FloatVector.zero(S);
            FloatVector a20 = FloatVector.zero(S); FloatVector a21 = FloatVector.zero(S);
            FloatVector a30 = FloatVector.zero(S); FloatVector a31 = FloatVector.zero(S);
            for (int k = 0, row = j0; k < d; k++, row += nPad) {
                FloatVector k0 = FloatVector.fromArray(S, scratch, row);
                FloatVector k1 = FloatVector.fromArray(S, scratch, row + L);
                FloatVector x = FloatVector.broadcast(S, qkv[q + k]);
                a00 = x.fma(k0, a00); a01 = x.fma(k1, a01);
                x = FloatVector.broadcast(S, qkv[q + 1 * stride + k]);
                a10 = x.fma(k0, a10); a11 = x.fma(k1, a11);
                x = FloatVector.broadcast(S, qkv[q + 2 * stride + k]);
                a20 = x.fma(k0, a20); a21 = x.fma(k1, a21);
                x = FloatVector.broadcast(S, qkv[q + 3 * stride + k]);
                a30 = x.fma(k0, a30); a31 = x.fma(k1, a31);
            }
            int o = scoresAt + j0;
            a00.mul(scale).intoArray(scratch, o); a01.mul(scale).intoArray(scratch, o + L);
            a10.mul(scale).intoArray(scratch, o + nPad); a11.mul(scale).intoArray(scratch, o + nPad + L);
            a20.mul(scale).intoArray(scratch, o + 2 * nPad); a21.mul(scale).intoArray(scratch, o + 2 * nPad + L);
            a30.mul(scale).intoArray(scratch, o + 3 * nPad); a31.mul(scale).intoArray(scratch, o + 3 * nPad + L);
        }
        for (int r = 0; r < 4; r++) {
            for (int j = j0; j < nPad; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int k = 0, row = j; k < d; k++, row += nPad) {
                    acc = FloatVector.broadcast(S, qkv[q + r * stride + k]).fma(FloatVector.fromArray(S, scratch, row), acc);
                }
                acc.mul(scale).intoArray(scratch, scoresAt + r * nPad + j);
            }
        }
    }

    /**
     * Context vectors of four consecutive queries, two vectors of head dimensions at a time (see the
     * class comment); dimensions past the last whole pair of vectors go one query at a time.
     */
    private static void context4(float[] qkv, int start, int n, int stride, int vOff, int d, float[] scratch,
                                 int scoresAt, int nPad, float[] ctx, int out, int hidden) {
        int c = 0;
        for (; c + 2 * L <= d; c += 2 * L) {
            FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
            for (int j = 0, v = start * stride + vOff + c; j < n; j++, v += stride) {
                FloatVector v0 = FloatVector.fromArray(S, qkv, v);
                FloatVector v1 = FloatVector.fromArray(S, qkv, v + L);
                FloatVector p = FloatVector.broadcast(S, scratch[scoresAt + j]);
                c00 = p.fma(v0, c00); c01 = p.fma(v1, c01);
                p = FloatVector.broadcast(S, scratch[scoresAt + 1 * nPad + j]);
                c10 = p.fma(v0, c10); c11 = p.fma(v1, c11);
                p = FloatVector.broadcast(S, scratch[scoresAt + 2 * nPad + j]);
                c20 = p.fma(v0, c20); c21 = p.fma(v1, c21);
                p = FloatVector.broadcast(S, scratch[scoresAt + 3 * nPad + j]);
                c30 = p.fma(v0, c30); c31 = p.fma(v1, c31);
            }
            int o = out + c;
            c00.intoArray(ctx, o); c01.intoArray(ctx, o + L);
            c10.intoArray(ctx, o + hidden); c11.intoArray(ctx, o + hidden + L);
            c20.intoArray(ctx, o + 2 * hidden); c21.intoArray(ctx, o + 2 * hidden + L);
            c30.intoArray(ctx, o + 3 * hidden); c31.intoArray(ctx, o + 3 * hidden + L);
        }
        for (int r = 0; r < 4 && c < d; r++) {
            contextColumns(qkv, start, n, stride, vOff, c, d, scratch, scoresAt + r * nPad, ctx, out + r * hidden);
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

    /** ctx = Σ_j p_j · v_j for one query: four vectors of dimensions at a time (four chains), then the rest. */
    private static void context(float[] qkv, int start, int n, int stride, int vOff, int d, float[] scratch, int scoresAt,
                                float[] ctx, int out) {
        int c = 0;
        for (; c + 4 * L <= d; c += 4 * L) {
            FloatVector c0 = FloatVector.zero(S);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            for (int j = 0, v = start * stride + vOff + c; j < n; j++, v += stride) {
                FloatVector p = FloatVector.broadcast(S, scratch[scoresAt + j]);
                c0 = p.fma(FloatVector.fromArray(S, qkv, v), c0);
                c1 = p.fma(FloatVector.fromArray(S, qkv, v + L), c1);
                c2 = p.fma(FloatVector.fromArray(S, qkv, v + 2 * L), c2);
                c3 = p.fma(FloatVector.fromArray(S, qkv, v + 3 * L), c3);
            }
            c0.intoArray(ctx, out + c);
            c1.intoArray(ctx, out + c + L);
            c2.intoArray(ctx, out + c + 2 * L);
            c3.intoArray(ctx, out + c + 3 * L);
        }
        contextColumns(qkv, start, n, stride, vOff, c, d, scratch, scoresAt, ctx, out);
    }

    /** ctx[c..d) = Σ_j p_j · v_j[c..d) for one query, one (masked) vector at a time. */
    private static void contextColumns(float[] qkv, int start, int n, int stride, int vOff, int from, int d,
                                       float[] scratch, int scoresAt, float[] ctx, int out) {
        for (int c = from; c < d; c += L) {
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
