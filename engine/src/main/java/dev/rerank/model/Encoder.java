package dev.rerank.model;

import dev.rerank.kernels.Parallel;
import dev.rerank.weights.DType;
import dev.rerank.weights.WeightSource;
import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

/**
 * A BERT or RoBERTa encoder, forward pass only: embeddings → N × encoder layer → (optionally) the
 * sequence-classification head on each sequence's first token. The two architectures share all of
 * it; what differs is data in {@link ModelConfig} and the names in {@link ParameterTable}.
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
    private final ClassificationHead head; // null for an encoder loaded without its head
    private final long weightBytes;
    private final Cleaner.Cleanable memory; // closes the arena of the 16-bit weights, once
    private volatile boolean closed;

    private Encoder(ModelConfig config, Embeddings embeddings, EncoderLayer[] layers, ClassificationHead head,
                    long weightBytes, Arena arena) {
        this.config = config;
        this.embeddings = embeddings;
        this.layers = layers;
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
            return load(config, names, new WeightLoader(names, weights, weightsDtype, arena), withHead, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static Encoder load(ModelConfig config, ParameterTable names, WeightLoader in, boolean withHead, Arena arena) {
        float eps = (float) config.layerNormEps();
        Embeddings embeddings = new Embeddings(config,
                in.table(names.embeddings("word_embeddings.weight")),
                in.table(names.embeddings("position_embeddings.weight")),
                in.table(names.embeddings("token_type_embeddings.weight")),
                norm(in, names.embeddings("LayerNorm"), eps));
        EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            SelfAttention attention = new SelfAttention(
                    in.stacked(names.layer(i, "attention.self.query"), names.layer(i, "attention.self.key"),
                            names.layer(i, "attention.self.value")),
                    in.linear(names.layer(i, "attention.output.dense")), config.numHeads());
            FeedForward ffn = new FeedForward(in.linear(names.layer(i, "intermediate.dense")),
                    in.linear(names.layer(i, "output.dense")));
            layers[i] = new EncoderLayer(attention, norm(in, names.layer(i, "attention.output.LayerNorm"), eps), ffn,
                    norm(in, names.layer(i, "output.LayerNorm"), eps));
        }
        ClassificationHead head = withHead
                ? new ClassificationHead(in.linear(names.headDense()), in.linear(names.headOut()))
                : null;
        return new Encoder(config, embeddings, layers, head, in.bytes(), arena);
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

    private static Norm norm(WeightLoader in, String name, float eps) {
        return new Norm(in.vector(name + ".weight"), in.vector(name + ".bias"), eps);
    }

    /** Buffers for forward passes with up to {@code threads} threads; they grow with the batch. */
    public Workspace newWorkspace(int threads) {
        return new Workspace(config.hiddenSize(), config.intermediateSize(), threads);
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
        if (output == RowSelection.FIRST_TOKENS) {
            for (int s = 0; s < batch.sequences(); s++) {
                if (batch.length(s) == 0) {
                    throw new IllegalArgumentException("sequence " + s + " has no tokens, so it has no first token");
                }
            }
        }
        ws.ensure(batch, config.headSize());
        int hidden = config.hiddenSize();
        float[] x = ws.hiddenStates[0];
        embeddings.forward(batch, x);
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
        return layers.length == 0 ? output.select(batch, x, hidden, ws.selectedRows) : x;
    }

    /** Logits [sequence][label] from the classification head. */
    public float[][] classify(TokenBatch batch, Workspace ws, Parallel parallel, HiddenStateListener listener) {
        if (head == null) {
            throw new IllegalStateException("this encoder was loaded without its classification head");
        }
        // The head reads only each sequence's first token, so the last layer computes just those
        // rows — unless a listener wants to see every token's final hidden state.
        float[] first = listener == null
                ? forward(batch, RowSelection.FIRST_TOKENS, ws, parallel, null)
                : RowSelection.FIRST_TOKENS.select(batch, forward(batch, RowSelection.EVERY_TOKEN, ws, parallel, listener),
                        config.hiddenSize(), ws.selectedRows);
        try {
            return head.forward(first, batch.sequences(), ws.packed, parallel);
        } finally {
            Reference.reachabilityFence(this); // as in forward
        }
    }
}
