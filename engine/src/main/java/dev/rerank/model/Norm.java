package dev.rerank.model;

import dev.rerank.kernels.LayerNorm;
import dev.rerank.kernels.Parallel;
import dev.rerank.kernels.RmsNorm;

/** A normalization of each row as its recipe says: LayerNorm (with or without β), RMSNorm, or none. */
final class Norm {
    static final Norm NONE = new Norm(Recipe.NormKind.NONE, null, null, 0);

    private final Recipe.NormKind kind;
    private final float[] gamma;
    private final float[] beta; // null: no shift
    private final float eps;

    Norm(Recipe.NormKind kind, float[] gamma, float[] beta, float eps) {
        this.kind = kind;
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    boolean isNone() {
        return kind == Recipe.NormKind.NONE;
    }

    /** x = N(x + residual) over {@code rows} rows: post-norm's add &amp; norm. */
    void addAndApply(float[] x, float[] residual, int rows, Parallel parallel) {
        int width = gamma.length;
        switch (kind) {
            case LAYER -> parallel.forRange(rows, (from, to) -> LayerNorm.addAndApply(x, residual, from, to, width, gamma, beta, eps));
            case RMS -> parallel.forRange(rows, (from, to) -> RmsNorm.addAndApply(x, residual, from, to, width, gamma, eps));
            case NONE -> throw new IllegalStateException("a post-norm layer needs its norms");
        }
    }

    /** N(x) over {@code rows} rows of width {@code width}, into out — or x itself when there is no norm. */
    float[] apply(float[] x, int rows, int width, float[] out, Parallel parallel) {
        switch (kind) {
            case LAYER -> parallel.forRange(rows, (from, to) -> LayerNorm.apply(x, out, from, to, width, gamma, beta, eps));
            case RMS -> parallel.forRange(rows, (from, to) -> RmsNorm.apply(x, out, from, to, width, gamma, eps));
            case NONE -> {
                return x;
            }
        }
        return out;
    }

    /** x = N(x) over {@code rows} rows, in place. */
    void applyInPlace(float[] x, int rows, Parallel parallel) {
        if (kind == Recipe.NormKind.LAYER && beta != null) {
            int width = gamma.length;
            // The embeddings' norm: one thread, as before the recipes (the rows are few and short).
            LayerNorm.apply(x, rows, width, gamma, beta, eps);
        } else if (!isNone()) {
            apply(x, rows, gamma.length, x, parallel);
        }
    }

    /** Each head's slice of rows [fromRow, toRow), normalized in place: Qwen3's query and key norms over head_dim. */
    void applyPerHead(float[] x, int fromRow, int toRow, int stride, int offset, int heads, Parallel parallel) {
        if (isNone()) {
            return;
        }
        if (kind != Recipe.NormKind.RMS) {
            throw new IllegalStateException("per-head norms are RMSNorms");
        }
        int d = gamma.length;
        parallel.forRange(toRow - fromRow, (from, to) -> {
            for (int h = 0; h < heads; h++) {
                RmsNorm.apply(x, fromRow + from, fromRow + to, stride, offset + h * d, d, gamma, eps);
            }
        });
    }
}
