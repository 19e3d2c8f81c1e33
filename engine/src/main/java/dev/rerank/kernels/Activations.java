package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;

/** tanh, the logistic sigmoid and SiLU over arrays, in place, and the product of a gated unit. */
public final class Activations {
    private Activations() {}

    /** tanh(x) = 1 - 2 / (e^{2x} + 1); exact to ~1e-7 absolute, saturating cleanly for large |x|. */
    public static void tanh(float[] x, int from, int to) {
        var s = VectorMath.S;
        int i = from;
        int upper = from + s.loopBound(to - from);
        for (; i < upper; i += s.length()) {
            tanh(FloatVector.fromArray(s, x, i)).intoArray(x, i);
        }
        if (i < to) {
            var m = s.indexInRange(i, to);
            tanh(FloatVector.fromArray(s, x, i, m)).intoArray(x, i, m);
        }
    }

    private static FloatVector tanh(FloatVector v) {
        FloatVector e = VectorMath.exp(v.mul(2f));
        return FloatVector.broadcast(VectorMath.S, 1f).sub(FloatVector.broadcast(VectorMath.S, 2f).div(e.add(1f)));
    }

    /** σ(x) = 1 / (1 + e^{-x}). */
    public static void sigmoid(float[] x, int from, int to) {
        var s = VectorMath.S;
        int i = from;
        int upper = from + s.loopBound(to - from);
        for (; i < upper; i += s.length()) {
            sigmoid(FloatVector.fromArray(s, x, i)).intoArray(x, i);
        }
        if (i < to) {
            var m = s.indexInRange(i, to);
            sigmoid(FloatVector.fromArray(s, x, i, m)).intoArray(x, i, m);
        }
    }

    private static FloatVector sigmoid(FloatVector v) {
        FloatVector e = VectorMath.exp(v.neg());
        return FloatVector.broadcast(VectorMath.S, 1f).div(e.add(1f));
    }

    /** SiLU(x) = x · σ(x) = x / (1 + e^{-x}) (the "swish" of SwiGLU). */
    public static void silu(float[] x, int from, int to) {
        var s = VectorMath.S;
        int i = from;
        int upper = from + s.loopBound(to - from);
        for (; i < upper; i += s.length()) {
            FloatVector v = FloatVector.fromArray(s, x, i);
            v.mul(sigmoid(v)).intoArray(x, i);
        }
        if (i < to) {
            var m = s.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(s, x, i, m);
            v.mul(sigmoid(v)).intoArray(x, i, m);
        }
    }

    /**
     * A gated unit's output: out[r][i] = up[r][i] · up[r][width + i] for {@code rows} rows [from, to)
     * of up (rows of 2·width, the activation already applied to each row's first half).
     */
    public static void gate(float[] up, int from, int to, int width, float[] out) {
        var s = VectorMath.S;
        int upper = s.loopBound(width);
        for (int r = from; r < to; r++) {
            int a = r * 2 * width;
            int o = r * width;
            int i = 0;
            for (; i < upper; i += s.length()) {
                FloatVector.fromArray(s, up, a + i).mul(FloatVector.fromArray(s, up, a + width + i)).intoArray(out, o + i);
            }
            for (; i < width; i++) {
                out[o + i] = up[a + i] * up[a + width + i];
            }
        }
    }
}
