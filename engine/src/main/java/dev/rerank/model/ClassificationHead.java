package dev.rerank.model;

import dev.rerank.kernels.Activations;
import dev.rerank.kernels.Gelu;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;
import java.util.Arrays;

/**
 * The sequence-classification head: pool each sequence's final hidden states (its first token,
 * which attention has let see the whole input; its last; or their mean), then dense → activation →
 * norm where the family has them, then the projection to one logit per label. BERT calls the dense
 * layer its pooler; RoBERTa classifier.dense; ModernBERT head.dense — one computation under
 * several names.
 */
final class ClassificationHead {
    private final Recipe.Pool pool;
    private final PackedMatrix dense; // null: straight to the projection
    private final Recipe.Activation activation;
    private final Norm norm;
    private final PackedMatrix out;

    ClassificationHead(Recipe.Pool pool, PackedMatrix dense, Recipe.Activation activation, Norm norm, PackedMatrix out) {
        this.pool = pool;
        this.dense = dense;
        this.activation = activation;
        this.norm = norm;
        this.out = out;
    }

    /** The rows of the last layer the head reads. */
    RowSelection reads() {
        return switch (pool) {
            case FIRST -> RowSelection.FIRST_TOKENS;
            case LAST -> RowSelection.LAST_TOKENS;
            case MEAN -> RowSelection.EVERY_TOKEN;
        };
    }

    int labels() {
        return out.out();
    }

    /** logits[s][label] from the final hidden states of the rows {@link #reads} selects. */
    float[][] forward(float[] states, TokenBatch batch, int hidden, float[] packed, Parallel parallel) {
        int n = batch.sequences();
        float[] pooled = pool == Recipe.Pool.MEAN ? mean(states, batch, hidden) : states;
        if (dense != null) {
            float[] d = new float[n * dense.out()];
            MatMul.multiply(pooled, n, dense, d, packed, parallel);
            switch (activation) {
                case TANH -> Activations.tanh(d, 0, d.length);
                case GELU -> Gelu.apply(d, 0, d.length);
                case SILU -> Activations.silu(d, 0, d.length);
            }
            pooled = norm.apply(d, n, dense.out(), d, parallel);
        }
        int labels = out.out();
        float[] flat = new float[n * labels];
        MatMul.multiply(pooled, n, out, flat, packed, parallel);
        float[][] logits = new float[n][];
        for (int s = 0; s < n; s++) {
            logits[s] = Arrays.copyOfRange(flat, s * labels, (s + 1) * labels);
        }
        return logits;
    }

    /** Each sequence's mean hidden state, summed in double and rounded once. */
    private static float[] mean(float[] states, TokenBatch batch, int hidden) {
        float[] out = new float[batch.sequences() * hidden];
        for (int s = 0; s < batch.sequences(); s++) {
            for (int i = 0; i < hidden; i++) {
                double sum = 0;
                for (int t = batch.start(s); t < batch.start(s + 1); t++) {
                    sum += states[t * hidden + i];
                }
                out[s * hidden + i] = (float) (sum / batch.length(s));
            }
        }
        return out;
    }
}
