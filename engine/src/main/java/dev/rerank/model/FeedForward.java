package dev.rerank.model;

import dev.rerank.kernels.Activations;
import dev.rerank.kernels.Gelu;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;

/**
 * The position-wise feed-forward block: widen, activate, narrow back. Plain: act(x·W₁ + b₁)·W₂ + b₂.
 * Gated (GeGLU, SwiGLU): the widened row's first half goes through the activation and is
 * multiplied by its second half before W₂.
 */
final class FeedForward {
    private final PackedMatrix up;
    private final Recipe.Activation activation;
    private final boolean gated;
    private final PackedMatrix down;

    FeedForward(PackedMatrix up, Recipe.Activation activation, boolean gated, PackedMatrix down) {
        this.up = up;
        this.activation = activation;
        this.gated = gated;
        this.down = down;
    }

    /**
     * out = FFN(x) for {@code rows} rows; {@code wide} holds the rows × up-width activations and,
     * gated, {@code gatedOut} the rows × width products.
     */
    void forward(float[] x, int rows, float[] out, float[] wide, float[] gatedOut, float[] packed, Parallel parallel) {
        MatMul.multiply(x, rows, up, wide, packed, parallel);
        int width = up.out();
        if (!gated) {
            parallel.forRange(rows, (from, to) -> activate(wide, from * width, to * width));
            MatMul.multiply(wide, rows, down, out, packed, parallel);
            return;
        }
        int half = width / 2;
        parallel.forRange(rows, (from, to) -> {
            for (int r = from; r < to; r++) {
                activate(wide, r * width, r * width + half);
            }
            Activations.gate(wide, from, to, half, gatedOut);
        });
        MatMul.multiply(gatedOut, rows, down, out, packed, parallel);
    }

    private void activate(float[] x, int from, int to) {
        switch (activation) {
            case GELU -> Gelu.apply(x, from, to);
            case SILU -> Activations.silu(x, from, to);
            case TANH -> Activations.tanh(x, from, to);
        }
    }
}
