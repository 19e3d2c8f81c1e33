package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;

/** y = x / √(mean(x²) + eps) · γ over each row (Qwen's RMSNorm, also per attention head). */
public final class RmsNorm {
    private RmsNorm() {}

    /** Normalizes rows [fromRow, toRow) of x (rows of {@code stride} values, normalizing {@code dim} from {@code offset}) in place. */
    public static void apply(float[] x, int fromRow, int toRow, int stride, int offset, int dim, float[] gamma, float eps) {
        for (int r = fromRow; r < toRow; r++) {
            normalize(x, r * stride + offset, dim, gamma, eps);
        }
    }

    /** out[row] = RMSNorm(x[row]) for rows [fromRow, toRow) of width dim; x is not changed. */
    public static void apply(float[] x, float[] out, int fromRow, int toRow, int dim, float[] gamma, float eps) {
        for (int r = fromRow; r < toRow; r++) {
            System.arraycopy(x, r * dim, out, r * dim, dim);
            normalize(out, r * dim, dim, gamma, eps);
        }
    }

    /** x = RMSNorm(x + residual) over rows [fromRow, toRow). */
    public static void addAndApply(float[] x, float[] residual, int fromRow, int toRow, int dim, float[] gamma,
                                   float eps) {
        for (int r = fromRow; r < toRow; r++) {
            VectorMath.add(x, residual, r * dim, dim);
            normalize(x, r * dim, dim, gamma, eps);
        }
    }

    private static void normalize(float[] x, int off, int dim, float[] gamma, float eps) {
        var s = VectorMath.S;
        int upper = s.loopBound(dim);
        FloatVector sq = FloatVector.zero(s);
        int i = 0;
        for (; i < upper; i += s.length()) {
            FloatVector v = FloatVector.fromArray(s, x, off + i);
            sq = v.fma(v, sq);
        }
        float sum = VectorMath.sum(sq);
        for (; i < dim; i++) {
            sum += x[off + i] * x[off + i];
        }
        float inv = (float) (1.0 / Math.sqrt(sum / dim + eps));
        for (i = 0; i < upper; i += s.length()) {
            FloatVector.fromArray(s, x, off + i).mul(inv).mul(FloatVector.fromArray(s, gamma, i)).intoArray(x, off + i);
        }
        for (; i < dim; i++) {
            x[off + i] = x[off + i] * inv * gamma[i];
        }
    }
}
