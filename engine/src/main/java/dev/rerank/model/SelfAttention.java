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

    /** ws.attentionOut = Attention(x) · W_o + b_o for every token of the batch. */
    void forward(float[] x, TokenBatch batch, Workspace ws, Parallel parallel) {
        attend(x, batch, false, ws, parallel);
        project(ws.context, batch.tokens(), ws.attentionOut, ws, parallel);
    }

    /**
     * ws.context = the heads' attention-weighted values, concatenated, for every token — or, with
     * {@code firstTokensOnly}, for the first token of each sequence (which still attends to all).
     */
    void attend(float[] x, TokenBatch batch, boolean firstTokensOnly, Workspace ws, Parallel parallel) {
        MatMul.multiply(x, batch.tokens(), queryKeyValue, ws.qkv, ws.packedInput, parallel);
        int tasks = batch.sequences() * heads;
        // One share of the (sequence, head) tasks per thread, each share with a scratch buffer of its own.
        parallel.forRange(parallel.threads(), (from, to) -> {
            for (int worker = from; worker < to; worker++) {
                float[] scratch = ws.attentionScratch[worker];
                int first = (int) ((long) tasks * worker / parallel.threads());
                int last = (int) ((long) tasks * (worker + 1) / parallel.threads());
                for (int t = first; t < last; t++) {
                    int s = t / heads;
                    int n = batch.length(s);
                    Attention.head(ws.qkv, batch.start(s), n, firstTokensOnly ? Math.min(1, n) : n, hidden, t % heads,
                            headSize, ws.context, scratch);
                }
            }
        });
    }

    /** out = context · W_o + b_o for {@code rows} rows of context. */
    void project(float[] context, int rows, float[] out, Workspace ws, Parallel parallel) {
        MatMul.multiply(context, rows, output, out, ws.packedInput, parallel);
    }
}
