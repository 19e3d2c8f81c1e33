package dev.rerank.model;

import dev.rerank.kernels.Activations;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;

/**
 * RobertaClassificationHead: the hidden state of each sequence's first token ({@code <s>}, which
 * attention has let see the whole pair) → dense → tanh → out_proj, giving one logit per label.
 */
final class ClassificationHead {
    private final PackedMatrix dense;
    private final PackedMatrix outProj;

    ClassificationHead(PackedMatrix dense, PackedMatrix outProj) {
        this.dense = dense;
        this.outProj = outProj;
    }

    int labels() {
        return outProj.out();
    }

    /** logits[s * labels + l] for the first-token hidden states first[s * hidden ...] of n sequences. */
    float[] forward(float[] first, int n, Workspace ws, Parallel parallel) {
        int hidden = dense.in();
        float[] pooled = new float[n * hidden];
        MatMul.multiply(first, n, dense, pooled, ws.packedInput, parallel);
        Activations.tanh(pooled, 0, pooled.length);
        float[] logits = new float[n * outProj.out()];
        MatMul.multiply(pooled, n, outProj, logits, ws.packedInput, parallel);
        return logits;
    }
}
