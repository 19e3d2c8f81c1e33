package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;

/** tanh and the logistic sigmoid over arrays, in place. */
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
}
