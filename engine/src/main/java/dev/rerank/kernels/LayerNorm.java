package dev.rerank.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * y = (x - mean) / √(var + eps) · γ + β over each row, with the population variance; β may be null
 * (a LayerNorm without bias, as ModernBERT's).
 */
public final class LayerNorm {
    private LayerNorm() {}

    /** Normalizes each of {@code rows} rows of x (width dim) in place. */
    public static void apply(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps) {
        for (int r = 0; r < rows; r++) {
            normalizeRow(x, r * dim, dim, gamma, beta, eps);
        }
    }

    /** out[row] = LayerNorm(x[row]) for rows [fromRow, toRow); x is not changed. */
    public static void apply(float[] x, float[] out, int fromRow, int toRow, int dim, float[] gamma, float[] beta,
                             float eps) {
        for (int r = fromRow; r < toRow; r++) {
            System.arraycopy(x, r * dim, out, r * dim, dim);
            normalizeRow(out, r * dim, dim, gamma, beta, eps);
        }
    }

    /** x = LayerNorm(x + residual): the "add &amp; norm" after attention and after the feed-forward. */
    public static void addAndApply(float[] x, float[] residual, int rows, int dim, float[] gamma, float[] beta,
                                   float eps) {
        addAndApply(x, residual, 0, rows, dim, gamma, beta, eps);
    }

    /** The same for rows [fromRow, toRow) only, so threads can share the rows out. */
    public static void addAndApply(float[] x, float[] residual, int fromRow, int toRow, int dim, float[] gamma,
                                   float[] beta, float eps) {
        var s = VectorMath.S;
        int upper = s.loopBound(dim);
        for (int r = fromRow; r < toRow; r++) {
            int off = r * dim;
            int i = 0;
            for (; i < upper; i += s.length()) {
                FloatVector.fromArray(s, x, off + i).add(FloatVector.fromArray(s, residual, off + i)).intoArray(x, off + i);
            }
            for (; i < dim; i++) {
                x[off + i] += residual[off + i];
            }
            normalizeRow(x, off, dim, gamma, beta, eps);
        }
    }

    private static void normalizeRow(float[] x, int off, int dim, float[] gamma, float[] beta, float eps) {
        var s = VectorMath.S;
        int len = s.length();
        int upper = s.loopBound(dim);
        FloatVector sumV = FloatVector.zero(s);
        int i = 0;
        for (; i < upper; i += len) {
            sumV = sumV.add(FloatVector.fromArray(s, x, off + i));
        }
        float sum = VectorMath.sum(sumV);
        for (; i < dim; i++) {
            sum += x[off + i];
        }
        float mean = sum / dim;
        // Two passes (mean, then squared deviations): no cancellation when |mean| ≫ std.
        FloatVector sqV = FloatVector.zero(s);
        for (i = 0; i < upper; i += len) {
            FloatVector d = FloatVector.fromArray(s, x, off + i).sub(mean);
            sqV = d.fma(d, sqV);
        }
        float sq = VectorMath.sum(sqV);
        for (; i < dim; i++) {
            float d = x[off + i] - mean;
            sq += d * d;
        }
        float inv = (float) (1.0 / Math.sqrt(sq / dim + eps));
        if (beta == null) {
            for (i = 0; i < upper; i += len) {
                FloatVector d = FloatVector.fromArray(s, x, off + i).sub(mean).mul(inv);
                d.mul(FloatVector.fromArray(s, gamma, i)).intoArray(x, off + i);
            }
            for (; i < dim; i++) {
                x[off + i] = (x[off + i] - mean) * inv * gamma[i];
            }
            return;
        }
        for (i = 0; i < upper; i += len) {
            FloatVector d = FloatVector.fromArray(s, x, off + i).sub(mean).mul(inv);
            d.fma(FloatVector.fromArray(s, gamma, i), FloatVector.fromArray(s, beta, i)).intoArray(x, off + i);
        }
        for (; i < dim; i++) {
            x[off + i] = (x[off + i] - mean) * inv * gamma[i] + beta[i];
        }
    }
}
