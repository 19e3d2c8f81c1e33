package dev.rerank.model;

import dev.rerank.kernels.Activations;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;
import java.util.Arrays;

/**
 * The sequence-classification head on each sequence's first token ({@code [CLS]} / {@code <s>},
 * which attention has let see the whole pair): dense → tanh → a projection to one logit per label.
 * BERT calls the first Linear its pooler and the second its classifier; RoBERTa calls them
 * classifier.dense and classifier.out_proj — the same computation under other names.
 */
final class ClassificationHead {
    private final PackedMatrix dense;
    private final PackedMatrix out;

    ClassificationHead(PackedMatrix dense, PackedMatrix out) {
        this.dense = dense;
        this.out = out;
    }

    int labels() {
        return out.out();
    }

    /** logits[s][label] for the first-token hidden states first[s * hidden ...] of n sequences. */
    float[][] forward(float[] first, int n, float[] packed, Parallel parallel) {
        float[] pooled = new float[n * dense.out()];
        MatMul.multiply(first, n, dense, pooled, packed, parallel);
        Activations.tanh(pooled, 0, pooled.length);
        int labels = out.out();
        float[] flat = new float[n * labels];
        MatMul.multiply(pooled, n, out, flat, packed, parallel);
        float[][] logits = new float[n][];
        for (int s = 0; s < n; s++) {
            logits[s] = Arrays.copyOfRange(flat, s * labels, (s + 1) * labels);
        }
        return logits;
    }
}
