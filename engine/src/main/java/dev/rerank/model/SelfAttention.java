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
     * {@code qkv} receives the fused projection of every token; {@code scratch} has a buffer per thread.
     */
    void attend(float[] x, TokenBatch batch, RowSelection rows, float[] qkv, float[] context, float[] packed,
                float[][] scratch, Parallel parallel) {
        MatMul.multiply(x, batch.tokens(), queryKeyValue, qkv, packed, parallel);
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
