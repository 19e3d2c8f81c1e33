package dev.rerank.model;

/**
 * The vector each token enters the first layer with: its word row, plus its token type's row and
 * its position's row where the family has those tables, then the norm.
 */
final class Embeddings {
    private final EmbeddingTable words;
    private final EmbeddingTable tokenTypes; // null: the family has no token types
    private final EmbeddingTable positions;  // null: positions enter attention instead (rotary)
    private final Norm norm;
    private final int hidden;
    private final int vocab;
    private final int types;
    private final int firstPosition;
    private final int maxLength;

    Embeddings(Recipe recipe, EmbeddingTable words, EmbeddingTable tokenTypes, EmbeddingTable positions, Norm norm) {
        this.words = words;
        this.tokenTypes = tokenTypes;
        this.positions = positions;
        this.norm = norm;
        this.hidden = recipe.hidden();
        this.vocab = recipe.vocab();
        this.types = tokenTypes == null ? 0 : (int) recipe.embeddings().tokenTypes().shape()[0];
        this.firstPosition = recipe.embeddings().firstPosition();
        this.maxLength = recipe.maxLength();
    }

    /** out[token] = N(word[id] (+ type[typeId]) (+ position[firstPosition + t])) for every token. */
    void forward(TokenBatch batch, float[] out, dev.rerank.kernels.Parallel parallel) {
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
                if (id < 0 || id >= vocab) {
                    throw new ModelException("token id " + id + " is outside the vocabulary of " + vocab);
                }
                int o = row * hidden;
                words.row(id, out, o);
                if (tokenTypes != null) {
                    int typeId = batch.typeIds()[row];
                    if (typeId < 0 || typeId >= types) {
                        throw new ModelException("token type " + typeId + " is outside the model's " + types + " token types");
                    }
                    tokenTypes.row(typeId, type, 0);
                    for (int i = 0; i < hidden; i++) {
                        out[o + i] += type[i];
                    }
                }
                if (positions != null) {
                    // transformers adds in this order: (word + token type) + position.
                    positions.row(firstPosition + t, position, 0);
                    for (int i = 0; i < hidden; i++) {
                        out[o + i] += position[i];
                    }
                }
            }
        }
        norm.applyInPlace(out, batch.tokens(), parallel);
    }
}
