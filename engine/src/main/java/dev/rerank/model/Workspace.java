package dev.rerank.model;

import dev.rerank.kernels.Attention;
import dev.rerank.kernels.MatMul;

/**
 * The activation buffers of one forward pass, sized for a token count and reused from call to call
 * (fresh arrays every call would cost page faults and GC time on every batch). One caller at a time.
 * Only {@link Encoder} and the blocks it calls take buffers from here, each named for its use.
 */
public final class Workspace {
    final int hidden;
    private final int qkvWidth;
    private final int contextWidth;
    private final int upWidth;
    private final int gatedWidth;
    private final int[] inputWidths; // of every matrix multiply
    private final int headSize;
    private int capacity;
    private int sequenceCapacity;
    private int scratchCapacity;
    /** Two per-token hidden-state buffers: each layer reads one and writes the other. */
    final float[][] hiddenStates = {new float[0], new float[0]};
    /** A pre-norm layer's normalized input. */
    float[] normed = new float[0];
    float[] qkv = new float[0];
    float[] context = new float[0];
    float[] attentionOut = new float[0];
    float[] intermediate = new float[0];
    /** A gated feed-forward's products. */
    float[] gated = new float[0];
    /** The matrix multiplies' copy of their input, regrouped into row tiles. */
    float[] packed = new float[0];
    /** One row per sequence: the residual of a one-row-per-sequence layer, or the head's input. */
    float[] selectedRows = new float[0];
    /** One row per sequence: a pre-norm layer's normalized input of those rows. */
    float[] selectedNormed = new float[0];
    /** One row per sequence: the query projection of its selected row. */
    float[] selectedQueries = new float[0];
    final float[][] attentionScratch;

    Workspace(Recipe recipe, int workers) {
        this.hidden = recipe.hidden();
        int qkv = 0;
        int context = 0;
        int up = 0;
        int gatedWidth = 0;
        int head = 1;
        for (Recipe.Layer layer : recipe.layers()) {
            Recipe.Attention a = layer.attention();
            qkv = Math.max(qkv, a.queryWidth() + 2 * a.keyValueWidth());
            context = Math.max(context, a.queryWidth());
            head = Math.max(head, a.headSize());
            up = Math.max(up, layer.feedForward().upWidth());
            gatedWidth = Math.max(gatedWidth, layer.feedForward().gated() ? layer.feedForward().width() : 0);
        }
        this.qkvWidth = qkv;
        this.contextWidth = context;
        this.upWidth = up;
        this.gatedWidth = gatedWidth;
        this.inputWidths = recipe.layers().stream()
                .flatMapToInt(l -> java.util.stream.IntStream.of(l.attention().queryWidth(), l.feedForward().down().in()))
                .distinct().toArray();
        this.headSize = head;
        this.attentionScratch = new float[workers][0];
    }

    /** Makes room for a batch. */
    void ensure(TokenBatch batch) {
        int tokens = batch.tokens();
        if (tokens > capacity) {
            // Grow with headroom so a slightly larger batch does not reallocate everything.
            int n = Math.max(tokens, capacity + capacity / 2);
            hiddenStates[0] = new float[n * hidden];
            hiddenStates[1] = new float[n * hidden];
            normed = new float[n * hidden];
            qkv = new float[n * qkvWidth];
            context = new float[n * contextWidth];
            attentionOut = new float[n * hidden];
            intermediate = new float[n * upWidth];
            gated = new float[n * gatedWidth];
            int packedSize = MatMul.scratchSize(n, hidden);
            for (int in : inputWidths) {
                packedSize = Math.max(packedSize, MatMul.scratchSize(n, in));
            }
            packed = new float[packedSize];
            capacity = n;
        }
        if (batch.sequences() > sequenceCapacity) {
            int n = Math.max(batch.sequences(), sequenceCapacity + sequenceCapacity / 2);
            selectedRows = new float[n * hidden];
            selectedNormed = new float[n * hidden];
            selectedQueries = new float[n * contextWidth];
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
