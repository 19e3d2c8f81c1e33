package dev.rerank.model;

import dev.rerank.kernels.LayerNorm;

/** Token embedding + position embedding + token-type embedding, then LayerNorm. */
final class Embeddings {
    private final float[] words;
    private final float[] positions;
    private final float[] tokenType;
    private final float[] gamma;
    private final float[] beta;
    private final int hidden;
    private final int vocab;
    private final int firstPosition;
    private final int maxLength;
    private final float eps;

    Embeddings(RobertaConfig config, float[] words, float[] positions, float[] tokenType, float[] gamma, float[] beta) {
        this.words = words;
        this.positions = positions;
        this.tokenType = tokenType;
        this.gamma = gamma;
        this.beta = beta;
        this.hidden = config.hiddenSize();
        this.vocab = config.vocabSize();
        // RoBERTa numbers real tokens from pad_token_id + 1: positions 0..pad are reserved for
        // padding (a fairseq legacy), so the first token of every sequence uses row pad + 1.
        this.firstPosition = config.padTokenId() + 1;
        this.maxLength = config.maxSequenceLength();
        this.eps = (float) config.layerNormEps();
    }

    void forward(TokenBatch batch, float[] out) {
        for (int s = 0; s < batch.sequences(); s++) {
            int n = batch.length(s);
            if (n > maxLength) {
                throw new ModelException("sequence of " + n + " tokens exceeds the model's " + maxLength
                        + " positions; truncate it first");
            }
            for (int t = 0; t < n; t++) {
                int row = batch.start(s) + t;
                int id = batch.ids()[row];
                if (id < 0 || id >= vocab) {
                    throw new ModelException("token id " + id + " is outside the vocabulary of " + vocab);
                }
                int w = id * hidden;
                int p = (firstPosition + t) * hidden;
                int o = row * hidden;
                for (int i = 0; i < hidden; i++) {
                    // transformers adds in this order: (word + token type) + position.
                    out[o + i] = (words[w + i] + tokenType[i]) + positions[p + i];
                }
            }
        }
        LayerNorm.apply(out, batch.tokens(), hidden, gamma, beta, eps);
    }
}
