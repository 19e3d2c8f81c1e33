package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and erf on whole vectors, written out so their accuracy and speed do not depend on whether
 * the JDK has an intrinsic for them on this CPU.
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split in two so k·ln2 is subtracted without rounding error (Cody and Waite).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAX_ARG = 88.0f;
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;
    private static final float MIN_ARG = -87.3365478515625f;

    private VectorMath() {}

    /**
     * The sum of the lanes, added in lane order. reduceLanes(ADD) is not used because its order
     * differs between the JIT intrinsic (a tree) and the interpreter (a loop), so a result would
     * change by an ulp once a method got compiled — and callers are promised identical results.
     */
    static float sum(FloatVector v) {
        float[] lanes = v.toArray();
        float s = 0f;
        for (float lane : lanes) {
            s += lane;
        }
        return s;
    }

    /** x[off, off + n) += y[off, off + n). */
    static void add(float[] x, float[] y, int off, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            FloatVector.fromArray(S, x, off + i).add(FloatVector.fromArray(S, y, off + i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] += y[off + i];
        }
    }

    /** e^x within ~2 ulp; arguments below -87.3 give the smallest normal float, not 0. */
    static FloatVector exp(FloatVector x) {
        x = x.max(MIN_ARG).min(MAX_ARG);
        // x = k·ln2 + r with |r| ≤ ln2/2, then e^x = 2^k · e^r.
        // Adding 1.5·2^23 rounds to the nearest integer, which lands in the low mantissa bits.
        FloatVector shifted = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER));
        FloatVector k = shifted.sub(ROUNDER);
        FloatVector r = x.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        // Taylor series of e^r to degree 7: the remainder is below 1e-8 on |r| ≤ 0.35.
        FloatVector p = r.fma(1f / 5040f, 1f / 720f)
                .fma(r, FloatVector.broadcast(S, 1f / 120f))
                .fma(r, FloatVector.broadcast(S, 1f / 24f))
                .fma(r, FloatVector.broadcast(S, 1f / 6f))
                .fma(r, FloatVector.broadcast(S, 0.5f))
                .fma(r, FloatVector.broadcast(S, 1f))
                .fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /**
     * erf(x) by Abramowitz and Stegun 7.1.26: absolute error below 1.5e-7, which keeps GELU within
     * 1e-6 of the exact function.
     */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = ax.fma(0.3275911f, 1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector poly = t.fma(1.061405429f, -1.453152027f)
                .fma(t, FloatVector.broadcast(S, 1.421413741f))
                .fma(t, FloatVector.broadcast(S, -0.284496736f))
                .fma(t, FloatVector.broadcast(S, 0.254829592f))
                .mul(t);
        FloatVector y = FloatVector.broadcast(S, 1f).sub(poly.mul(exp(ax.mul(ax).neg())));
        // erf is odd: negate where x < 0.
        return y.lanewise(VectorOperators.NEG, x.lt(0f));
    }
}
