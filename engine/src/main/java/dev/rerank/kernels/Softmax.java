package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** softmax over x[from, from + n), in place. */
public final class Softmax {
    private Softmax() {}

    public static void apply(float[] x, int from, int n) {
        var s = VectorMath.S;
        int len = s.length();
        int to = from + n;
        int upper = from + s.loopBound(n);
        // Subtracting the maximum first keeps every exponent ≤ 0: no overflow, same result.
        FloatVector maxV = FloatVector.broadcast(s, Float.NEGATIVE_INFINITY);
        int i = from;
        for (; i < upper; i += len) {
            maxV = maxV.max(FloatVector.fromArray(s, x, i));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) {
            max = Math.max(max, x[i]);
        }
        FloatVector sumV = FloatVector.zero(s);
        for (i = from; i < upper; i += len) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(s, x, i).sub(max));
            e.intoArray(x, i);
            sumV = sumV.add(e);
        }
        if (i < to) {
            var m = s.indexInRange(i, to);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(s, x, i, m).sub(max));
            e.intoArray(x, i, m);
            sumV = sumV.add(e, m);
        }
        float inv = 1f / VectorMath.sum(sumV);
        for (i = from; i < upper; i += len) {
            FloatVector.fromArray(s, x, i).mul(inv).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] *= inv;
        }
    }
}
