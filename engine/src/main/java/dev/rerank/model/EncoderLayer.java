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

        float[] context = ws.context;
        attention.attend(x, batch, rows, ws.qkv, ws.selectedRows, ws.firstQueries, context, ws.packed, ws.attentionScratch, parallel);
        float[] a = ws.attentionOut;
        attention.project(context, n, a, ws.packed, parallel);
        float[] residual = rows.select(batch, x, hidden, ws.selectedRows);
        attentionNorm.addAndApply(a, residual, n, parallel);

        feedForward.forward(a, n, y, ws.intermediate, ws.packed, parallel);
        outputNorm.addAndApply(y, a, n, parallel);
    }
}
