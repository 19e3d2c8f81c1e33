package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Rotary position embedding, rotate-half form: a head's vector x of d values is split into halves
 * (x₁, x₂) and, at position p, becomes (x₁·cos − x₂·sin, x₂·cos + x₁·sin) with angles
 * p·θ^(−2j/d), j &lt; d/2. The table of cos and sin grows with the longest position asked for;
 * its values are computed in double and rounded once.
 */
public final class Rotary {
    private final double theta;
    private final int half;
    private volatile float[][] table = {new float[0], new float[0]}; // {cos, sin}, [position * half + j]

    public Rotary(double theta, int headSize) {
        if (headSize % 2 != 0) {
            throw new IllegalArgumentException("rotary embedding needs an even head size, got " + headSize);
        }
        this.theta = theta;
        this.half = headSize / 2;
    }

    /** Makes the table cover positions 0 .. length − 1; call before rotating, from any thread. */
    public void ensure(int length) {
        if (table[0].length >= (long) length * half) {
            return;
        }
        synchronized (this) {
            int have = table[0].length / Math.max(1, half);
            if (have >= length) {
                return;
            }
            int positions = Math.max(length, Math.min(have * 2, Integer.MAX_VALUE / Math.max(1, 2 * half)));
            float[] cos = new float[positions * half];
            float[] sin = new float[positions * half];
            for (int j = 0; j < half; j++) {
                double inverseFrequency = 1.0 / Math.pow(theta, (2.0 * j) / (2 * half));
                for (int p = 0; p < positions; p++) {
                    double angle = p * inverseFrequency;
                    cos[p * half + j] = (float) Math.cos(angle);
                    sin[p * half + j] = (float) Math.sin(angle);
                }
            }
            table = new float[][] {cos, sin};
        }
    }

    /** Rotates the d values of x from {@code offset} as for position {@code position} (in the table). */
    public void rotate(float[] x, int offset, int position) {
        float[][] t = table;
        float[] cos = t[0];
        float[] sin = t[1];
        var s = VectorMath.S;
        int base = position * half;
        for (int j = 0; j < half; j += s.length()) {
            VectorMask<Float> m = s.indexInRange(j, half);
            FloatVector a = FloatVector.fromArray(s, x, offset + j, m);
            FloatVector b = FloatVector.fromArray(s, x, offset + half + j, m);
            FloatVector c = FloatVector.fromArray(s, cos, base + j, m);
            FloatVector n = FloatVector.fromArray(s, sin, base + j, m);
            a.mul(c).sub(b.mul(n)).intoArray(x, offset + j, m);
            b.mul(c).add(a.mul(n)).intoArray(x, offset + half + j, m);
        }
    }
}
