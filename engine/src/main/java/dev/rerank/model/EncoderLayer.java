package dev.rerank.model;

import dev.rerank.kernels.Parallel;

/**
 * One transformer layer, with its norms where the recipe puts them.
 * <pre>
 *   post-norm (BERT):       a = N₁(x + Attention(x));     y = N₂(a + FFN(a))
 *   pre-norm (ModernBERT):  a = x + Attention(N₁(x));     y = a + FFN(N₂(a))
 * </pre>
 */
final class EncoderLayer {
    private final Recipe.Placement placement;
    private final Norm attentionNorm;
    private final SelfAttention attention;
    private final Norm feedForwardNorm;
    private final FeedForward feedForward;

    EncoderLayer(Recipe.Placement placement, Norm attentionNorm, SelfAttention attention, Norm feedForwardNorm,
                 FeedForward feedForward) {
        this.placement = placement;
        this.attentionNorm = attentionNorm;
        this.attention = attention;
        this.feedForwardNorm = feedForwardNorm;
        this.feedForward = feedForward;
    }

    /**
     * y = the layer applied to x (every token of the batch), for the rows {@code rows} selects.
     * x is read, never written; the workspace lends the intermediate buffers.
     */
    void forward(float[] x, TokenBatch batch, RowSelection rows, float[] y, Workspace ws, Parallel parallel) {
        int n = rows.rows(batch);
        int hidden = ws.hidden;
        float[] residual = rows.select(batch, x, hidden, ws.selectedRows);
        float[] a = ws.attentionOut;
        if (placement == Recipe.Placement.POST_NORM) {
            attention.attend(x, residual, batch, rows, ws.context, ws, parallel);
            attention.project(ws.context, n, a, ws.packed, parallel);
            attentionNorm.addAndApply(a, residual, n, parallel);
            feedForward.forward(a, n, y, ws.intermediate, ws.gated, ws.packed, parallel);
            feedForwardNorm.addAndApply(y, a, n, parallel);
        } else {
            float[] h = attentionNorm.apply(x, batch.tokens(), hidden, ws.normed, parallel);
            attention.attend(h, rows.select(batch, h, hidden, ws.selectedNormed), batch, rows, ws.context, ws, parallel);
            attention.project(ws.context, n, a, ws.packed, parallel);
            add(a, residual, n * hidden, parallel);
            float[] b = feedForwardNorm.apply(a, n, hidden, ws.normed, parallel);
            feedForward.forward(b, n, y, ws.intermediate, ws.gated, ws.packed, parallel);
            add(y, a, n * hidden, parallel);
        }
    }

    /** x += r over the first {@code count} values. */
    private static void add(float[] x, float[] r, int count, Parallel parallel) {
        parallel.forRange(count, (from, to) -> {
            for (int i = from; i < to; i++) {
                x[i] += r[i];
            }
        });
    }
}
