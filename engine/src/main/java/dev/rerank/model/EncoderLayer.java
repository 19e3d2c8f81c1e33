package dev.rerank.model;

import dev.rerank.kernels.LayerNorm;
import dev.rerank.kernels.Parallel;

/** One transformer layer, post-norm as in BERT: x = LN(x + Attention(x)); x = LN(x + FFN(x)). */
final class EncoderLayer {
    private final SelfAttention attention;
    private final float[] attentionNormGamma;
    private final float[] attentionNormBeta;
    private final FeedForward feedForward;
    private final float[] outputNormGamma;
    private final float[] outputNormBeta;
    private final float eps;

    EncoderLayer(SelfAttention attention, float[] attentionNormGamma, float[] attentionNormBeta,
                 FeedForward feedForward, float[] outputNormGamma, float[] outputNormBeta, float eps) {
        this.attention = attention;
        this.attentionNormGamma = attentionNormGamma;
        this.attentionNormBeta = attentionNormBeta;
        this.feedForward = feedForward;
        this.outputNormGamma = outputNormGamma;
        this.outputNormBeta = outputNormBeta;
        this.eps = eps;
    }

    /** Transforms ws.hiddenStates in place. */
    void forward(TokenBatch batch, Workspace ws, Parallel parallel) {
        int tokens = batch.tokens();
        int hidden = ws.hidden;
        float[] x = ws.hiddenStates;
        float[] afterAttention = ws.attentionOut;

        attention.forward(x, batch, ws, parallel);
        parallel.forRange(tokens, (from, to) ->
                LayerNorm.addAndApply(afterAttention, x, from, to, hidden, attentionNormGamma, attentionNormBeta, eps));

        // The feed-forward output lands in x, whose old value the residual no longer needs.
        feedForward.forward(afterAttention, tokens, x, ws, parallel);
        parallel.forRange(tokens, (from, to) ->
                LayerNorm.addAndApply(x, afterAttention, from, to, hidden, outputNormGamma, outputNormBeta, eps));
    }

    /**
     * The layer's output at each sequence's first token only, into {@code first[s * hidden ...]}.
     * The classification head reads nothing else from the last layer, and every step after
     * attention treats tokens independently, so the other tokens' output projection, feed-forward
     * and norms would be work thrown away (about three quarters of the layer). Keys and values are
     * still computed for every token, since the first token attends to all of them. Each row
     * computed here is bit-identical to the same row of {@link #forward}.
     */
    void forwardFirstTokens(TokenBatch batch, Workspace ws, Parallel parallel, float[] first) {
        int n = batch.sequences();
        int hidden = ws.hidden;
        attention.attend(ws.hiddenStates, batch, true, ws, parallel);
        float[] context = ws.firstContext;
        float[] residual = ws.firstResidual;
        batch.gatherFirstTokens(ws.context, hidden, context);
        batch.gatherFirstTokens(ws.hiddenStates, hidden, residual);
        float[] afterAttention = ws.firstAttentionOut;
        attention.project(context, n, afterAttention, ws, parallel);
        LayerNorm.addAndApply(afterAttention, residual, n, hidden, attentionNormGamma, attentionNormBeta, eps);
        feedForward.forward(afterAttention, n, first, ws, parallel);
        LayerNorm.addAndApply(first, afterAttention, n, hidden, outputNormGamma, outputNormBeta, eps);
    }
}
