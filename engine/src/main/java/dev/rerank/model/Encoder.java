package dev.rerank.model;

import dev.rerank.kernels.Attention;
import dev.rerank.kernels.Parallel;
import dev.rerank.kernels.Rotary;
import dev.rerank.weights.DType;
import dev.rerank.weights.WeightSource;
import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.Map;

/**
 * A transformer encoder assembled from its family's {@link Recipe}, forward pass only: embeddings →
 * N × layer → final norm → (optionally) the sequence-classification head. Every family runs on the
 * same blocks; what differs is data in the recipe.
 *
 * <p>Its weights never change after loading; a forward pass needs a {@link Workspace} of its own, so
 * concurrent callers never share mutable state. {@link ReferenceEncoder} computes the same thing in
 * plain loops, for reading and for testing this one.
 *
 * <p>16-bit weights are held off the Java heap (see {@link dev.rerank.kernels.PackedMatrix}), so
 * they count against the process's memory, not {@code -Xmx}. {@link #close} frees them; close every
 * encoder you load. An encoder dropped without closing frees them only when a collection finds it
 * unreachable, and since its few megabytes of heap put no pressure on the collector, that may be
 * never. A forward pass after closing fails with an {@link IllegalStateException}, and so does one
 * still running on another thread when it closes.
 */
public final class Encoder implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** Sees the hidden states after the embeddings (layer 0) and after each encoder layer. */
    public interface HiddenStateListener {
        void onHiddenStates(int layer, float[] states, int rows, int hidden);
    }

    private final ModelConfig config;
    private final Embeddings embeddings;
    private final EncoderLayer[] layers;
    private final Norm finalNorm;
    private final ClassificationHead head; // null for an encoder loaded without its head
    private final long weightBytes;
    private final Cleaner.Cleanable memory; // closes the arena of the 16-bit weights, once
    private volatile boolean closed;

    private Encoder(ModelConfig config, Embeddings embeddings, EncoderLayer[] layers, Norm finalNorm,
                    ClassificationHead head, long weightBytes, Arena arena) {
        this.config = config;
        this.embeddings = embeddings;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.head = head;
        this.weightBytes = weightBytes;
        this.memory = CLEANER.register(this, arena::close); // the action holds the arena, not this encoder
    }

    public ModelConfig config() {
        return config;
    }

    public boolean hasHead() {
        return head != null;
    }

    /** Bytes the loaded weights take in memory (2 per 16-bit weight, 4 per float32 one; panel padding not counted). */
    public long weightBytes() {
        return weightBytes;
    }

    /**
     * Builds the model from named tensors, checking every tensor the config implies against the
     * parameter table. With {@code withHead}, the classification head is loaded too (the config must
     * name a *ForSequenceClassification model).
     */
    public static Encoder load(ModelConfig config, WeightSource weights, boolean withHead) {
        return load(config, weights, withHead, null);
    }

    /**
     * As {@link #load(ModelConfig, WeightSource, boolean)}, with the precision the weight matrices
     * and embedding tables are kept in: null keeps each as stored (F16 and BF16 stay 16-bit), F32
     * widens 16-bit ones at load, BF16 rounds float32 ones to bfloat16 (F16 ones stay F16).
     * Activations and accumulation are float32 in every case.
     */
    public static Encoder load(ModelConfig config, WeightSource weights, boolean withHead, DType weightsDtype) {
        if (withHead) {
            config.requireClassifier(weights.description());
        }
        ParameterTable names = ParameterTable.forWeights(config, weights, withHead);
        Arena arena = Arena.ofShared(); // every worker thread reads the weights
        try {
            return load(config, new WeightLoader(names, weights, weightsDtype, arena), withHead, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static Encoder load(ModelConfig config, WeightLoader in, boolean withHead, Arena arena) {
        Recipe recipe = config.recipe();
        Recipe.Embeddings e = recipe.embeddings();
        Embeddings embeddings = new Embeddings(recipe, in.table(e.words()), in.table(e.tokenTypes()),
                in.table(e.positions()), in.norm(e.norm()));
        float[][] bias = recipe.relativeBias() == null ? null : biasByDistance(recipe, in);
        Map<Double, Rotary> rotaries = new HashMap<>();
        EncoderLayer[] layers = new EncoderLayer[recipe.layers().size()];
        for (int i = 0; i < layers.length; i++) {
            Recipe.Layer l = recipe.layers().get(i);
            Recipe.Attention a = l.attention();
            Rotary rotary = a.rotary() == null ? null
                    : rotaries.computeIfAbsent(a.rotary().theta(), theta -> new Rotary(theta, a.headSize()));
            SelfAttention attention = new SelfAttention(in.stacked(a.projections()), in.linear(a.output()),
                    new Attention.Layout(a.heads(), a.keyValueHeads(), a.headSize()), in.norm(a.queryNorm()),
                    in.norm(a.keyNorm()), rotary, new Attention.Mask(a.mask().window(), a.mask().causal()),
                    a.relativeBias() ? bias : null);
            Recipe.FeedForward f = l.feedForward();
            FeedForward ffn = new FeedForward(in.stacked(f.up()), f.activation(), f.gated(), in.linear(f.down()));
            layers[i] = new EncoderLayer(l.placement(), in.norm(l.attentionNorm()), attention,
                    in.norm(l.feedForwardNorm()), ffn);
        }
        Norm finalNorm = in.norm(recipe.finalNorm());
        Recipe.Head h = recipe.head();
        ClassificationHead head = withHead
                ? new ClassificationHead(h.pool(), in.linear(h.dense()), h.activation(), in.norm(h.norm()), in.linear(h.out()))
                : null;
        return new Encoder(config, embeddings, layers, finalNorm, head, in.bytes(), arena);
    }

    /**
     * MPNet's relative position bias per head, by key − query distance: entry (j − i) + maxLength − 1
     * holds the table's value for the distance's bucket. Distance alone decides the bucket, so one
     * row per head serves every sequence and layer.
     */
    private static float[][] biasByDistance(Recipe recipe, WeightLoader in) {
        Recipe.RelativeBias rb = recipe.relativeBias();
        float[] table = in.vector(rb.table());
        int heads = (int) rb.table().shape()[1];
        int n = recipe.maxLength();
        float[][] bias = new float[heads][2 * n - 1];
        for (int distance = -(n - 1); distance <= n - 1; distance++) {
            int bucket = rb.bucket(0, distance);
            if (distance < 0) {
                bucket = rb.bucket(-distance, 0);
            }
            for (int h = 0; h < heads; h++) {
                bias[h][distance + n - 1] = table[bucket * heads + h];
            }
        }
        return bias;
    }

    /**
     * Frees the 16-bit weights' memory; later forward passes fail, and so does one still running
     * (with an {@link IllegalStateException}). Closing twice does nothing.
     */
    @Override
    public void close() {
        closed = true;
        memory.clean();
    }

    /** Buffers for forward passes with up to {@code threads} threads; they grow with the batch. */
    public Workspace newWorkspace(int threads) {
        return new Workspace(config.recipe(), threads);
    }

    /**
     * The last layer's hidden states for the rows {@code output} selects: [rows × hidden], every
     * token in batch order or each sequence's first token. The array belongs to the workspace and
     * is overwritten by its next forward pass.
     */
    public float[] forward(TokenBatch batch, RowSelection output, Workspace ws, Parallel parallel,
                           HiddenStateListener listener) {
        try {
            return pass(batch, output, ws, parallel, listener);
        } finally {
            // The kernels hold only the weights, not this encoder: keep it (and so its weights'
            // memory, which its Cleaner would free) reachable until the pass is over.
            Reference.reachabilityFence(this);
        }
    }

    private float[] pass(TokenBatch batch, RowSelection output, Workspace ws, Parallel parallel,
                         HiddenStateListener listener) {
        if (closed) {
            throw new IllegalStateException("this encoder is closed");
        }
        if (ws.attentionScratch.length < parallel.threads()) {
            throw new IllegalArgumentException("workspace made for fewer threads than " + parallel.threads());
        }
        if (output != RowSelection.EVERY_TOKEN) {
            for (int s = 0; s < batch.sequences(); s++) {
                if (batch.length(s) == 0) {
                    throw new IllegalArgumentException("sequence " + s + " has no tokens, so it has no "
                            + (output == RowSelection.FIRST_TOKENS ? "first" : "last") + " token");
                }
            }
        }
        ws.ensure(batch);
        int hidden = config.hiddenSize();
        float[] x = ws.hiddenStates[0];
        embeddings.forward(batch, x, parallel);
        if (listener != null) {
            listener.onHiddenStates(0, x, batch.tokens(), hidden);
        }
        int last = layers.length - 1;
        for (int i = 0; i <= last; i++) {
            RowSelection rows = i == last ? output : RowSelection.EVERY_TOKEN;
            float[] y = ws.hiddenStates[(i + 1) % 2];
            layers[i].forward(x, batch, rows, y, ws, parallel);
            x = y;
            if (listener != null) {
                listener.onHiddenStates(i + 1, x, rows.rows(batch), hidden);
            }
        }
        float[] out = layers.length == 0 ? output.select(batch, x, hidden, ws.selectedRows) : x;
        finalNorm.applyInPlace(out, output.rows(batch), parallel);
        return out;
    }

    /** Logits [sequence][label] from the classification head. */
    public float[][] classify(TokenBatch batch, Workspace ws, Parallel parallel, HiddenStateListener listener) {
        if (head == null) {
            throw new IllegalStateException("this encoder was loaded without its classification head");
        }
        // The head reads one row per sequence (or their mean), so the last layer computes just
        // those rows — unless a listener wants to see every token's final hidden state.
        RowSelection reads = head.reads();
        int hidden = config.hiddenSize();
        float[] states = listener == null || reads == RowSelection.EVERY_TOKEN
                ? forward(batch, reads, ws, parallel, listener)
                : reads.select(batch, forward(batch, RowSelection.EVERY_TOKEN, ws, parallel, listener), hidden,
                        ws.selectedRows);
        try {
            return head.forward(states, batch, hidden, ws.packed, parallel);
        } finally {
            Reference.reachabilityFence(this); // as in forward
        }
    }
}
