package dev.rerank.model;

/**
 * Which rows a layer computes its output for. Attention mixes tokens, but everything after it
 * treats each token alone — so when only some rows of the last layer are read (a classifier and
 * CLS pooling read each sequence's first token), the layer can skip the others' queries, output
 * projection, feed-forward and norms, five sixths of its work. Keys and values still cover every token.
 * A row computed for a selection is bit-identical to the same row computed for every token.
 */
public enum RowSelection {
    /** Every token: output row r is token r of the batch. */
    EVERY_TOKEN,
    /** Each sequence's first token: output row s is the first token of sequence s. */
    FIRST_TOKENS;

    /** Output rows for a batch. */
    int rows(TokenBatch batch) {
        return this == EVERY_TOKEN ? batch.tokens() : batch.sequences();
    }

    /** How many of sequence s's tokens are queries: all, or the first. */
    int queries(TokenBatch batch, int s) {
        return this == EVERY_TOKEN ? batch.length(s) : Math.min(1, batch.length(s));
    }

    /** The output row of sequence s's first query. */
    int firstRow(TokenBatch batch, int s) {
        return this == EVERY_TOKEN ? batch.start(s) : s;
    }

    /**
     * The selected rows of a per-token array (width values per row): src itself for every token,
     * else the first-token rows copied into dst.
     */
    float[] select(TokenBatch batch, float[] src, int width, float[] dst) {
        if (this == EVERY_TOKEN) {
            return src;
        }
        for (int s = 0; s < batch.sequences(); s++) {
            System.arraycopy(src, batch.start(s) * width, dst, s * width, width);
        }
        return dst;
    }
}
