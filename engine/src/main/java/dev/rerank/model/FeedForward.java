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

    void forward(float[] x, int tokens, float[] out, Workspace ws, Parallel parallel) {
        MatMul.multiply(x, tokens, up, ws.intermediateOut, ws.packedInput, parallel);
        int width = up.out();
        parallel.forRange(tokens, (from, to) -> Gelu.apply(ws.intermediateOut, from * width, to * width));
        MatMul.multiply(ws.intermediateOut, tokens, down, out, ws.packedInput, parallel);
    }
}
