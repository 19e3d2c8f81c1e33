package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention for one head of one sequence: softmax(Q·Kᵀ / √d + bias, masked) · V.
 *
 * <p>Q, K and V are read from row-major rows of the fused projection (queries of every head, then
 * keys, then values; see {@link Layout}). The keys a task needs are first transposed into a scratch
 * [d × keys] block, so both products run as broadcast-and-FMA over contiguous vectors, with no
 * horizontal sums. Queries go four at a time through register tiles of 4 queries × 2 vectors (of
 * keys for the scores, of head dimensions for the context): 8 independent FMA chains, enough for
 * two FMA units, in 14 vector registers with the loads, so they fit AVX2's 16 (a 4 × 4 tile kept a
 * third of its accumulators on the stack there). Each score and each context value is one sum in a
 * fixed order (k = 0, 1, ... or j = 0, 1, ...), so a query's result is the same, bit for bit,
 * whether it is computed in a group of four or alone, and whatever the vector width.
 *
 * <p>Memory is linear in the sequence: a worker holds the transposed keys of one head and the
 * scores of four queries, never a queries × keys matrix. A mask (a window around each query, or no
 * keys after it) narrows the keys a group of four reads to the union of theirs; each query's
 * softmax then runs over its own keys only, and the others get a weight of exactly 0.
 */
public final class Attention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Attention() {}

    /**
     * Where each head's vectors sit in a row of the fused projection: the queries of {@code heads}
     * heads, then the keys and then the values of {@code keyValueHeads} heads, each {@code headSize}
     * wide. Query head h reads key/value head h / (heads / keyValueHeads) (grouped-query attention).
     */
    public record Layout(int heads, int keyValueHeads, int headSize) {
        public Layout {
            if (heads < 1 || keyValueHeads < 1 || heads % keyValueHeads != 0 || headSize < 1) {
                throw new IllegalArgumentException("attention needs heads a multiple of key/value heads, got "
                        + heads + " and " + keyValueHeads + " of size " + headSize);
            }
        }

        /** Values in one row of the fused projection. */
        public int stride() {
            return (heads + 2 * keyValueHeads) * headSize;
        }

        /** Values in one row of the context (the heads side by side). */
        public int contextWidth() {
            return heads * headSize;
        }

        int queryOffset(int head) {
            return head * headSize;
        }

        int keyOffset(int head) {
            return (heads + head / (heads / keyValueHeads)) * headSize;
        }

        int valueOffset(int head) {
            return (heads + keyValueHeads + head / (heads / keyValueHeads)) * headSize;
        }
    }

    /** Which keys query i sees: j with |i − j| ≤ window (Integer.MAX_VALUE: all), and j ≤ i if causal. */
    public record Mask(int window, boolean causal) {
        public static final Mask NONE = new Mask(Integer.MAX_VALUE, false);

        int first(int i) {
            return window == Integer.MAX_VALUE ? 0 : Math.max(0, i - window);
        }

        int end(int i, int n) {
            int end = causal ? i + 1 : n;
            return window == Integer.MAX_VALUE ? end : (int) Math.min(end, (long) i + window + 1);
        }

        boolean isNone() {
            return window == Integer.MAX_VALUE && !causal;
        }
    }

    /**
     * One task: the sequence of {@code length} tokens whose rows start at {@code start}; its
     * queries {@code firstQuery} .. {@code firstQuery + queries − 1} (positions in the sequence);
     * their contexts written from row {@code outRow} of the output on.
     */
    public record Span(int start, int length, int firstQuery, int queries, int outRow) {
        /** Every token of the sequence asks, and its contexts go to its own rows. */
        public static Span whole(int start, int length) {
            return new Span(start, length, 0, length, start);
        }
    }

    /** Scratch one worker needs for sequences up to {@code maxTokens} long. */
    public static int scratchSize(int maxTokens, int headSize) {
        int nPad = roundUp(maxTokens);
        return nPad * headSize + 4 * nPad; // Kᵀ, then the scores of four queries
    }

    static int roundUp(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * Writes head {@code head}'s context for the span's queries into ctx (rows of
     * {@link Layout#contextWidth} values). {@code bias}, if not null, is added to each scaled score
     * by distance: bias[(j − i) + bias.length / 2] for query i and key j.
     */
    public static void head(float[] qkv, Layout layout, int head, Span span, Mask mask, float[] bias, float[] ctx,
                            float[] scratch) {
        int d = layout.headSize();
        int stride = layout.stride();
        int width = layout.contextWidth();
        int n = span.length();
        int lastQuery = span.firstQuery() + span.queries() - 1;
        if (span.queries() <= 0) {
            return;
        }
        // The keys any of the span's queries sees: a window or the causal mask make it a range.
        int keyFrom = mask.first(span.firstQuery());
        int keyTo = mask.end(lastQuery, n);
        int keys = keyTo - keyFrom;
        int kPad = roundUp(keys);
        int scoresAt = kPad * d;
        int kOff = layout.keyOffset(head);
        for (int k = 0; k < d; k++) {
            int row = k * kPad;
            for (int j = 0; j < keys; j++) {
                scratch[row + j] = qkv[(span.start() + keyFrom + j) * stride + kOff + k];
            }
            for (int j = keys; j < kPad; j++) {
                scratch[row + j] = 0f;
            }
        }
        Rows rows = new Rows(qkv, span.start() + keyFrom, stride, layout.queryOffset(head), layout.valueOffset(head), d,
                scratch, kPad, scoresAt, (float) (1.0 / Math.sqrt(d)));
        boolean plain = mask.isNone() && bias == null;
        int i = span.firstQuery();
        for (; i + 4 <= lastQuery + 1; i += 4) {
            // Keys the four queries see, relative to keyFrom: the union of theirs.
            int from = mask.first(i) - keyFrom;
            int to = mask.end(i + 3, n) - keyFrom;
            int aligned = from - from % L;
            rows.scores4((span.start() + i) * stride, aligned, roundUp(to));
            for (int r = 0; r < 4; r++) {
                int at = scoresAt + r * kPad;
                if (plain) {
                    Softmax.apply(scratch, at, n);
                } else {
                    weights(scratch, at, mask.first(i + r) - keyFrom, mask.end(i + r, n) - keyFrom, from, to,
                            bias, keyFrom - (i + r));
                }
            }
            int out = (span.outRow() + i - span.firstQuery()) * width + head * d;
            rows.context4(from, to, ctx, out, width);
        }
        for (; i <= lastQuery; i++) {
            int from = mask.first(i) - keyFrom;
            int to = mask.end(i, n) - keyFrom;
            int aligned = from - from % L;
            rows.scores((span.start() + i) * stride, aligned, roundUp(to));
            if (plain) {
                Softmax.apply(scratch, scoresAt, n);
            } else {
                weights(scratch, scoresAt, from, to, from, to, bias, keyFrom - i);
            }
            rows.context(from, to, ctx, (span.outRow() + i - span.firstQuery()) * width + head * d);
        }
    }

    /**
     * Turns one query's scores into attention weights where the group reads keys [from, to): the
     * bias added, softmax over the query's own keys [own, ownEnd), 0 for the group's others.
     * {@code distance} is key − query for relative index 0.
     */
    private static void weights(float[] s, int at, int own, int ownEnd, int from, int to, float[] bias, int distance) {
        if (bias != null) {
            int zero = bias.length / 2;
            for (int j = own; j < ownEnd; j++) {
                s[at + j] += bias[zero + distance + j];
            }
        }
        Softmax.apply(s, at + own, ownEnd - own);
        for (int j = from; j < own; j++) {
            s[at + j] = 0f;
        }
        for (int j = ownEnd; j < to; j++) {
            s[at + j] = 0f;
        }
    }

    /**
     * The reads of one task: query rows of qkv, the transposed keys (d rows of kPad, key 0 = row
     * {@code first} of qkv), value rows from {@code first}, and the scores of up to four queries.
     */
    private record Rows(float[] qkv, int first, int stride, int qOff, int vOff, int d, float[] scratch, int kPad,
                        int scoresAt, float scale) {

        /**
         * Scores of the four queries from qkv row offset {@code q} (rows scoresAt + r·kPad) against
         * keys [from, to) (multiples of L), two vectors of keys at a time, then the last odd vector.
         */
        void scores4(int q, int from, int to) {
            q += qOff;
            int j0 = from;
            for (; j0 + 2 * L <= to; j0 += 2 * L) {
                FloatVector a00 = FloatVector.zero(S); FloatVector a01 = FloatVector.zero(S);
                FloatVector a10 = FloatVector.zero(S); FloatVector a11 = FloatVector.zero(S);
                FloatVector a20 = FloatVector.zero(S); FloatVector a21 = FloatVector.zero(S);
                FloatVector a30 = FloatVector.zero(S); FloatVector a31 = FloatVector.zero(S);
                for (int k = 0, row = j0; k < d; k++, row += kPad) {
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
                a10.mul(scale).intoArray(scratch, o + kPad); a11.mul(scale).intoArray(scratch, o + kPad + L);
                a20.mul(scale).intoArray(scratch, o + 2 * kPad); a21.mul(scale).intoArray(scratch, o + 2 * kPad + L);
                a30.mul(scale).intoArray(scratch, o + 3 * kPad); a31.mul(scale).intoArray(scratch, o + 3 * kPad + L);
            }
            for (int r = 0; r < 4; r++) {
                for (int j = j0; j < to; j += L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int k = 0, row = j; k < d; k++, row += kPad) {
                        acc = FloatVector.broadcast(S, qkv[q + r * stride + k]).fma(FloatVector.fromArray(S, scratch, row), acc);
                    }
                    acc.mul(scale).intoArray(scratch, scoresAt + r * kPad + j);
                }
            }
        }

        /**
         * Contexts of four consecutive queries over keys [from, to), two vectors of head dimensions
         * at a time; dimensions past the last whole pair of vectors go one query at a time.
         */
        void context4(int from, int to, float[] ctx, int out, int width) {
            int c = 0;
            for (; c + 2 * L <= d; c += 2 * L) {
                FloatVector c00 = FloatVector.zero(S); FloatVector c01 = FloatVector.zero(S);
                FloatVector c10 = FloatVector.zero(S); FloatVector c11 = FloatVector.zero(S);
                FloatVector c20 = FloatVector.zero(S); FloatVector c21 = FloatVector.zero(S);
                FloatVector c30 = FloatVector.zero(S); FloatVector c31 = FloatVector.zero(S);
                for (int j = from, v = (first + from) * stride + vOff + c; j < to; j++, v += stride) {
                    FloatVector v0 = FloatVector.fromArray(S, qkv, v);
                    FloatVector v1 = FloatVector.fromArray(S, qkv, v + L);
                    FloatVector p = FloatVector.broadcast(S, scratch[scoresAt + j]);
                    c00 = p.fma(v0, c00); c01 = p.fma(v1, c01);
                    p = FloatVector.broadcast(S, scratch[scoresAt + 1 * kPad + j]);
                    c10 = p.fma(v0, c10); c11 = p.fma(v1, c11);
                    p = FloatVector.broadcast(S, scratch[scoresAt + 2 * kPad + j]);
                    c20 = p.fma(v0, c20); c21 = p.fma(v1, c21);
                    p = FloatVector.broadcast(S, scratch[scoresAt + 3 * kPad + j]);
                    c30 = p.fma(v0, c30); c31 = p.fma(v1, c31);
                }
                int o = out + c;
                c00.intoArray(ctx, o); c01.intoArray(ctx, o + L);
                c10.intoArray(ctx, o + width); c11.intoArray(ctx, o + width + L);
                c20.intoArray(ctx, o + 2 * width); c21.intoArray(ctx, o + 2 * width + L);
                c30.intoArray(ctx, o + 3 * width); c31.intoArray(ctx, o + 3 * width + L);
            }
            for (int r = 0; r < 4 && c < d; r++) {
                columns(from, to, c, scoresAt + r * kPad, ctx, out + r * width);
            }
        }

        /**
         * Scores of one query against keys [from, to), four vectors of keys at a time: four
         * independent FMA chains keep the FPU busy where one chain would wait on each FMA's latency.
         */
        void scores(int q, int from, int to) {
            q += qOff;
            int j0 = from;
            for (; j0 + 4 * L <= to; j0 += 4 * L) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int k = 0, row = j0; k < d; k++, row += kPad) {
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
            for (; j0 < to; j0 += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int k = 0, row = j0; k < d; k++, row += kPad) {
                    acc = FloatVector.broadcast(S, qkv[q + k]).fma(FloatVector.fromArray(S, scratch, row), acc);
                }
                acc.mul(scale).intoArray(scratch, scoresAt + j0);
            }
        }

        /** ctx = Σ_j p_j · v_j over keys [from, to) for one query: four vectors of dimensions at a time, then the rest. */
        void context(int from, int to, float[] ctx, int out) {
            int c = 0;
            for (; c + 4 * L <= d; c += 4 * L) {
                FloatVector c0 = FloatVector.zero(S);
                FloatVector c1 = c0;
                FloatVector c2 = c0;
                FloatVector c3 = c0;
                for (int j = from, v = (first + from) * stride + vOff + c; j < to; j++, v += stride) {
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
            columns(from, to, c, scoresAt, ctx, out);
        }

        /** ctx[c0..d) = Σ_j p_j · v_j[c0..d) over keys [from, to) for one query, one (masked) vector at a time. */
        private void columns(int from, int to, int c0, int weightsAt, float[] ctx, int out) {
            for (int c = c0; c < d; c += L) {
                VectorMask<Float> m = S.indexInRange(c, d);
                FloatVector acc = FloatVector.zero(S);
                for (int j = from; j < to; j++) {
                    FloatVector v = FloatVector.fromArray(S, qkv, (first + j) * stride + vOff + c, m);
                    acc = FloatVector.broadcast(S, scratch[weightsAt + j]).fma(v, acc);
                }
                acc.intoArray(ctx, out + c, m);
            }
        }
    }
}
