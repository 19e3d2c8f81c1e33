package dev.rerank.model;

import dev.rerank.kernels.Attention;
import dev.rerank.kernels.MatMul;

/**
 * The activation buffers of one forward pass, sized for a token count and reused from call to call
 * (fresh arrays every call would cost page faults and GC time on every batch). One caller at a time.
 */
public final class Workspace {
    final int hidden;
    final int intermediate;
    int capacity;
    int sequenceCapacity;
    int scratchCapacity;
    float[] hiddenStates = new float[0];
    float[] qkv = new float[0];
    float[] context = new float[0];
    float[] attentionOut = new float[0];
    float[] intermediateOut = new float[0];
    /** The matrix multiplies' copy of their input, regrouped into row tiles. */
    float[] packedInput = new float[0];
    // One row per sequence, for the last layer's first-token-only pass and the head.
    float[] firstContext = new float[0];
    float[] firstResidual = new float[0];
    float[] firstAttentionOut = new float[0];
    float[] firstTokens = new float[0];
    float[][] attentionScratch;

    Workspace(int hidden, int intermediate, int workers) {
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.attentionScratch = new float[workers][0];
    }

    /** Makes room for {@code tokens} tokens in {@code sequences} sequences up to {@code longest} long. */
    void ensure(int tokens, int sequences, int longest, int headSize) {
        if (tokens > capacity) {
            // Grow with headroom so a slightly larger batch does not reallocate everything.
            int n = Math.max(tokens, capacity + capacity / 2);
            hiddenStates = new float[n * hidden];
            qkv = new float[n * 3 * hidden];
            context = new float[n * hidden];
            attentionOut = new float[n * hidden];
            intermediateOut = new float[n * intermediate];
            packedInput = new float[MatMul.scratchSize(n, Math.max(hidden, intermediate))];
            capacity = n;
        }
        if (sequences > sequenceCapacity) {
            int n = Math.max(sequences, sequenceCapacity + sequenceCapacity / 2);
            firstContext = new float[n * hidden];
            firstResidual = new float[n * hidden];
            firstAttentionOut = new float[n * hidden];
            firstTokens = new float[n * hidden];
            sequenceCapacity = n;
        }
        int scratch = Attention.scratchSize(longest, headSize);
        if (scratch > scratchCapacity) {
            for (int w = 0; w < attentionScratch.length; w++) {
                attentionScratch[w] = new float[scratch];
            }
            scratchCapacity = scratch;
        }
    }
}
