package dev.rerank.model;

import dev.rerank.kernels.Attention;
import dev.rerank.kernels.MatMul;

/**
 * The activation buffers of one forward pass, sized for a token count and reused from call to call
 * (fresh arrays every call would cost page faults and GC time on every batch). One caller at a time.
 * Only {@link Encoder} and {@link EncoderLayer} take buffers from here; they hand them to the blocks
 * below as named arguments.
 */
public final class Workspace {
    final int hidden;
    private final int intermediateWidth;
    private int capacity;
    private int sequenceCapacity;
    private int scratchCapacity;
    /** Two per-token hidden-state buffers: each layer reads one and writes the other. */
    final float[][] hiddenStates = {new float[0], new float[0]};
    float[] qkv = new float[0];
    float[] context = new float[0];
    float[] attentionOut = new float[0];
    float[] intermediate = new float[0];
    /** The matrix multiplies' copy of their input, regrouped into row tiles. */
    float[] packed = new float[0];
    /** One row per sequence: the residual of a first-token-only layer, or the head's input. */
    float[] selectedRows = new float[0];
    /** One row per sequence: the query projection of its first token, in a first-token-only layer. */
    float[] firstQueries = new float[0];
    final float[][] attentionScratch;

    Workspace(int hidden, int intermediateWidth, int workers) {
        this.hidden = hidden;
        this.intermediateWidth = intermediateWidth;
        this.attentionScratch = new float[workers][0];
    }

    /** Makes room for a batch. */
    void ensure(TokenBatch batch, int headSize) {
        int tokens = batch.tokens();
        if (tokens > capacity) {
            // Grow with headroom so a slightly larger batch does not reallocate everything.
            int n = Math.max(tokens, capacity + capacity / 2);
            hiddenStates[0] = new float[n * hidden];
            hiddenStates[1] = new float[n * hidden];
            qkv = new float[n * 3 * hidden];
            context = new float[n * hidden];
            attentionOut = new float[n * hidden];
            intermediate = new float[n * intermediateWidth];
            packed = new float[Math.max(MatMul.scratchSize(n, hidden), MatMul.scratchSize(n, intermediateWidth))];
            capacity = n;
        }
        if (batch.sequences() > sequenceCapacity) {
            int n = Math.max(batch.sequences(), sequenceCapacity + sequenceCapacity / 2);
            selectedRows = new float[n * hidden];
            firstQueries = new float[n * hidden];
            sequenceCapacity = n;
        }
        int scratch = Attention.scratchSize(batch.longest(), headSize);
        if (scratch > scratchCapacity) {
            for (int w = 0; w < attentionScratch.length; w++) {
                attentionScratch[w] = new float[scratch];
            }
            scratchCapacity = scratch;
        }
    }
}
