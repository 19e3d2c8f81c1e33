package dev.rerank.model;

import dev.rerank.kernels.Attention;

/**
 * Which rows a layer computes its output for. Attention mixes tokens, but everything after it
 * treats each token alone — so when only one row per sequence of the last layer is read (a
 * classifier and CLS pooling read the first token, a decoder's scorer and last-token pooling the
 * last), the layer can skip the other rows' queries, output projection, feed-forward and norms.
 * Keys and values still cover every token. A row computed for a selection is bit-identical to the
 * same row computed for every token.
 */
public enum RowSelection {
    /** Every token: output row r is token r of the batch. */
    EVERY_TOKEN,
    /** Each sequence's first token: output row s is the first token of sequence s. */
    FIRST_TOKENS,
    /** Each sequence's last token: output row s is the last token of sequence s. */
    LAST_TOKENS;

    /** Output rows for a batch. */
    int rows(TokenBatch batch) {
        return this == EVERY_TOKEN ? batch.tokens() : batch.sequences();
    }

    /** The row of the batch that sequence s's output row comes from (first or last token). */
    int source(TokenBatch batch, int s) {
        return this == FIRST_TOKENS ? batch.start(s) : batch.start(s) + batch.length(s) - 1;
    }

    /** Sequence s's queries and where their outputs go. */
    Attention.Span span(TokenBatch batch, int s) {
        int n = batch.length(s);
        return switch (this) {
            case EVERY_TOKEN -> Attention.Span.whole(batch.start(s), n);
            case FIRST_TOKENS -> new Attention.Span(batch.start(s), n, 0, Math.min(1, n), s);
            case LAST_TOKENS -> new Attention.Span(batch.start(s), n, Math.max(0, n - 1), Math.min(1, n), s);
        };
    }

    /**
     * The selected rows of a per-token array (width values per row): src itself for every token,
     * else the chosen row of each sequence copied into dst.
     */
    float[] select(TokenBatch batch, float[] src, int width, float[] dst) {
        if (this == EVERY_TOKEN) {
            return src;
        }
        for (int s = 0; s < batch.sequences(); s++) {
            System.arraycopy(src, source(batch, s) * width, dst, s * width, width);
        }
        return dst;
    }
}
