package dev.rerank.model;

import dev.rerank.kernels.LayerNorm;
import dev.rerank.kernels.Parallel;

/** A LayerNorm's learned scale γ and shift β, with its epsilon. */
record Norm(float[] gamma, float[] beta, float eps) {
    /** x = LayerNorm(x + residual) over {@code rows} rows, shared across threads. */
    void addAndApply(float[] x, float[] residual, int rows, Parallel parallel) {
        int width = gamma.length;
        parallel.forRange(rows, (from, to) -> LayerNorm.addAndApply(x, residual, from, to, width, gamma, beta, eps));
    }

    /** x = LayerNorm(x) over {@code rows} rows. */
    void apply(float[] x, int rows) {
        LayerNorm.apply(x, rows, gamma.length, gamma, beta, eps);
    }
}
