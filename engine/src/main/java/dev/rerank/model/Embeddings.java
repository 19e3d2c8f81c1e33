package dev.rerank.model;

/**
 * Token embedding + token-type embedding + position embedding, then LayerNorm: the vector each
 * token enters the first layer with.
 */
final class Embeddings {
    private final EmbeddingTable words;
    private final EmbeddingTable positions;
    private final EmbeddingTable tokenTypes;
    private final Norm norm;
    private final int hidden;
    private final int vocab;
    private final int types;
    private final int firstPosition;
    private final int maxLength;

    Embeddings(ModelConfig config, EmbeddingTable words, EmbeddingTable positions, EmbeddingTable tokenTypes, Norm norm) {
        this.words = words;
        this.positions = positions;
        this.tokenTypes = tokenTypes;
        this.norm = norm;
        this.hidden = config.hiddenSize();
        this.vocab = config.vocabSize();
        this.types = config.typeVocabSize();
        this.firstPosition = config.architecture().firstPosition(config.padTokenId());
        this.maxLength = config.maxSequenceLength();
    }

    /** out[token] = LayerNorm(word[id] + type[typeId] + position[firstPosition + t]) for every token. */
    void forward(TokenBatch batch, float[] out) {
        float[] type = new float[hidden];
        float[] position = new float[hidden];
        for (int s = 0; s < batch.sequences(); s++) {
            int n = batch.length(s);
            if (n > maxLength) {
                throw new ModelException("sequence of " + n + " tokens exceeds the model's " + maxLength
                        + " positions; truncate it first");
            }
            for (int t = 0; t < n; t++) {
                int row = batch.start(s) + t;
                int id = batch.ids()[row];
                int typeId = batch.typeIds()[row];
                if (id < 0 || id >= vocab) {
                    throw new ModelException("token id " + id + " is outside the vocabulary of " + vocab);
                }
                if (typeId < 0 || typeId >= types) {
                    throw new ModelException("token type " + typeId + " is outside the model's " + types + " token types");
                }
                int o = row * hidden;
                words.row(id, out, o);
                tokenTypes.row(typeId, type, 0);
                positions.row(firstPosition + t, position, 0);
                for (int i = 0; i < hidden; i++) {
                    // transformers adds in this order: (word + token type) + position.
                    out[o + i] = (out[o + i] + type[i]) + position[i];
                }
            }
        }
        norm.apply(out, batch.tokens());
    }
}
