package dev.rerank.model;

import dev.rerank.kernels.Gelu;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;

/** The position-wise feed-forward block: GELU(x · W₁ + b₁) · W₂ + b₂, widening hidden to intermediate and back. */
final class FeedForward {
    private final PackedMatrix up;
    private final PackedMatrix down;

    FeedForward(PackedMatrix up, PackedMatrix down) {
        this.up = up;
        this.down = down;
    }

    /** out = FFN(x) for {@code rows} rows; {@code wide} holds the rows × intermediate activations. */
    void forward(float[] x, int rows, float[] out, float[] wide, float[] packed, Parallel parallel) {
        MatMul.multiply(x, rows, up, wide, packed, parallel);
        int width = up.out();
        parallel.forRange(rows, (from, to) -> Gelu.apply(wide, from * width, to * width));
        MatMul.multiply(wide, rows, down, out, packed, parallel);
    }
}
