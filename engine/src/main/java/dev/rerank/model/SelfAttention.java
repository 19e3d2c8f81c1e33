package dev.rerank.model;

import dev.rerank.kernels.Attention;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;

/**
 * Multi-head self-attention: project to queries, keys and values (one fused matrix multiply),
 * attend within each sequence and head, then project the concatenated heads back.
 */
final class SelfAttention {
    private final PackedMatrix queryKeyValue;
    private final PackedMatrix output;
    private final int hidden;
    private final int heads;
    private final int headSize;

    SelfAttention(PackedMatrix queryKeyValue, PackedMatrix output, int heads) {
        this.queryKeyValue = queryKeyValue;
        this.output = output;
        this.hidden = output.out();
        this.heads = heads;
        this.headSize = hidden / heads;
    }

    /**
     * context[row] = the heads' attention-weighted values, concatenated, for each selected row:
     * softmax(q·Kᵀ/√d)·V with q from that token and K, V from every token of its sequence.
     * {@code selectedX} holds x's selected rows (x itself when every token is selected);
     * {@code qkv} receives the fused projection: keys and values of every token, queries of the
     * selected ones; {@code queries} is scratch with a row per sequence; {@code scratch} has a
     * buffer per thread.
     */
    void attend(float[] x, float[] selectedX, TokenBatch batch, RowSelection rows, float[] qkv, float[] queries,
                float[] context, float[] packed, float[][] scratch, Parallel parallel) {
        int width = 3 * hidden;
        if (rows == RowSelection.FIRST_TOKENS) {
            // Only each sequence's first token asks (the last layer of a cross-encoder): keys and
            // values for every token, the query for the first ones alone, which saves a third of the
            // product for all other tokens, 1.6% of a forward pass at 64 tokens per sequence. Each
            // value is the same, bit for bit, as in the fused product of every token.
            MatMul.multiplyColumns(x, batch.tokens(), queryKeyValue, hidden, width, qkv, width, packed, parallel);
            MatMul.multiplyColumns(selectedX, batch.sequences(), queryKeyValue, 0, hidden, queries, hidden, packed, parallel);
            for (int s = 0; s < batch.sequences(); s++) {
                System.arraycopy(queries, s * hidden, qkv, batch.start(s) * width, hidden);
            }
        } else {
            MatMul.multiply(x, batch.tokens(), queryKeyValue, qkv, packed, parallel);
        }
        int tasks = batch.sequences() * heads;
        // One share of the (sequence, head) tasks per thread, each share with a scratch buffer of its own.
        parallel.forRange(parallel.threads(), (from, to) -> {
            for (int worker = from; worker < to; worker++) {
                int first = (int) ((long) tasks * worker / parallel.threads());
                int last = (int) ((long) tasks * (worker + 1) / parallel.threads());
                for (int t = first; t < last; t++) {
                    int s = t / heads;
                    Attention.head(qkv, batch.start(s), batch.length(s), rows.queries(batch, s), hidden, t % heads,
                            headSize, context, rows.firstRow(batch, s), scratch[worker]);
                }
            }
        });
    }

    /** out = context · W_o + b_o for {@code rows} rows of context. */
    void project(float[] context, int rows, float[] out, float[] packed, Parallel parallel) {
        MatMul.multiply(context, rows, output, out, packed, parallel);
    }
}
