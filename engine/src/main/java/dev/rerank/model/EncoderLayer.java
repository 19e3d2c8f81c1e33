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
        LayerNorm.addAndApply(afterAttention, x, tokens, hidden, attentionNormGamma, attentionNormBeta, eps);

        // The feed-forward output lands in x, whose old value the residual no longer needs.
        feedForward.forward(afterAttention, tokens, x, ws, parallel);
        LayerNorm.addAndApply(x, afterAttention, tokens, hidden, outputNormGamma, outputNormBeta, eps);
    }
}
