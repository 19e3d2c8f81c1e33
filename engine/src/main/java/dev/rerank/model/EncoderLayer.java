package dev.rerank.model;

import dev.rerank.kernels.Parallel;

/** One transformer layer, post-norm as in BERT: a = LN(x + Attention(x)); y = LN(a + FFN(a)). */
final class EncoderLayer {
    private final SelfAttention attention;
    private final Norm attentionNorm;
    private final FeedForward feedForward;
    private final Norm outputNorm;

    EncoderLayer(SelfAttention attention, Norm attentionNorm, FeedForward feedForward, Norm outputNorm) {
        this.attention = attention;
        this.attentionNorm = attentionNorm;
        this.feedForward = feedForward;
        this.outputNorm = outputNorm;
    }

    /**
     * y = the layer applied to x (every token of the batch), for the rows {@code rows} selects.
     * x is read, never written; the workspace supplies the intermediate buffers.
     */
    void forward(float[] x, TokenBatch batch, RowSelection rows, float[] y, Workspace ws, Parallel parallel) {
        int n = rows.rows(batch);
        int hidden = ws.hidden;

        // x's rows that this layer outputs: the queries' input, then the residual.
        float[] residual = rows.select(batch, x, hidden, ws.selectedRows);
        float[] context = ws.context;
        attention.attend(x, residual, batch, rows, ws.qkv, ws.firstQueries, context, ws.packed, ws.attentionScratch,
                parallel);
        float[] a = ws.attentionOut;
        attention.project(context, n, a, ws.packed, parallel);
        attentionNorm.addAndApply(a, residual, n, parallel);

        feedForward.forward(a, n, y, ws.intermediate, ws.packed, parallel);
        outputNorm.addAndApply(y, a, n, parallel);
    }
}
