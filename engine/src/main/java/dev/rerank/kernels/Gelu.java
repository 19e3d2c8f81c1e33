package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;

/** GELU(x) = x · Φ(x) = 0.5 · x · (1 + erf(x / √2)): the exact form BERT and RoBERTa use ("gelu"). */
public final class Gelu {
    private static final float INV_SQRT2 = 0.70710678118654752f;

    private Gelu() {}

    /** Applies GELU in place to x[from, to). */
    public static void apply(float[] x, int from, int to) {
        int i = from;
        int upper = from + VectorMath.S.loopBound(to - from);
        for (; i < upper; i += VectorMath.S.length()) {
            FloatVector v = FloatVector.fromArray(VectorMath.S, x, i);
            FloatVector erf = VectorMath.erf(v.mul(INV_SQRT2));
            v.mul(0.5f).mul(erf.add(1f)).intoArray(x, i);
        }
        if (i < to) {
            var m = VectorMath.S.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(VectorMath.S, x, i, m);
            FloatVector erf = VectorMath.erf(v.mul(INV_SQRT2));
            v.mul(0.5f).mul(erf.add(1f)).intoArray(x, i, m);
        }
    }
}
