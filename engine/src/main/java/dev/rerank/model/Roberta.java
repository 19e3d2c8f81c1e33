package dev.rerank.model;

import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;
import dev.rerank.weights.TensorInfo;
import dev.rerank.weights.WeightSource;
import java.util.Arrays;
import java.util.Map;

/**
 * RobertaForSequenceClassification, forward pass only:
 * embeddings → N × encoder layer → classification head on the first token.
 *
 * <p>Immutable after loading; a forward pass needs a {@link Workspace} of its own, so concurrent
 * callers never share mutable state.
 */
public final class Roberta {
    /** Sees the hidden states after the embeddings (layer 0) and after each encoder layer. */
    public interface HiddenStateListener {
        void onHiddenStates(int layer, float[] states, int tokens, int hidden);
    }

    private final RobertaConfig config;
    private final Embeddings embeddings;
    private final EncoderLayer[] layers;
    private final ClassificationHead head;

    private Roberta(RobertaConfig config, Embeddings embeddings, EncoderLayer[] layers, ClassificationHead head) {
        this.config = config;
        this.embeddings = embeddings;
        this.layers = layers;
        this.head = head;
    }

    public RobertaConfig config() {
        return config;
    }

    /**
     * Builds the model from named tensors, checking that every tensor the config implies is present
     * with the right shape. Each weight is copied once, from the source into its packed layout.
     */
    public static Roberta load(RobertaConfig config, WeightSource weights) {
        Loader in = new Loader(config, weights);
        int h = config.hiddenSize();
        float eps = (float) config.layerNormEps();
        String e = "roberta.embeddings.";
        Embeddings embeddings = new Embeddings(config,
                in.vector(e + "word_embeddings.weight"),
                in.vector(e + "position_embeddings.weight"),
                Arrays.copyOf(in.vector(e + "token_type_embeddings.weight"), h),
                in.vector(e + "LayerNorm.weight"), in.vector(e + "LayerNorm.bias"));
        EncoderLayer[] layers = new EncoderLayer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "roberta.encoder.layer." + i + ".";
            SelfAttention attention = new SelfAttention(
                    in.stacked(p + "attention.self.query", p + "attention.self.key", p + "attention.self.value"),
                    in.linear(p + "attention.output.dense"), config.numHeads());
            FeedForward ffn = new FeedForward(in.linear(p + "intermediate.dense"), in.linear(p + "output.dense"));
            layers[i] = new EncoderLayer(attention,
                    in.vector(p + "attention.output.LayerNorm.weight"), in.vector(p + "attention.output.LayerNorm.bias"),
                    ffn, in.vector(p + "output.LayerNorm.weight"), in.vector(p + "output.LayerNorm.bias"), eps);
        }
        ClassificationHead head = new ClassificationHead(in.linear("classifier.dense"), in.linear("classifier.out_proj"));
        return new Roberta(config, embeddings, layers, head);
    }

    /** Buffers for forward passes with up to {@code threads} threads; they grow with the batch. */
    public Workspace newWorkspace(int threads) {
        return new Workspace(config.hiddenSize(), config.intermediateSize(), threads);
    }

    /** Logits [sequence][label] for each sequence of the batch. */
    public float[][] forward(TokenBatch batch, Workspace ws, Parallel parallel, HiddenStateListener listener) {
        if (ws.attentionScratch.length < parallel.threads()) {
            throw new IllegalArgumentException("workspace made for fewer threads than " + parallel.threads());
        }
        int tokens = batch.tokens();
        int hidden = config.hiddenSize();
        ws.ensure(tokens, batch.sequences(), batch.longest(), config.headSize());
        embeddings.forward(batch, ws.hiddenStates);
        if (listener != null) {
            listener.onHiddenStates(0, ws.hiddenStates, tokens, hidden);
        }
        int last = layers.length - 1;
        for (int i = 0; i < last; i++) {
            layers[i].forward(batch, ws, parallel);
            if (listener != null) {
                listener.onHiddenStates(i + 1, ws.hiddenStates, tokens, hidden);
            }
        }
        // The head reads only each sequence's first token, so the last layer computes just those
        // rows — unless a listener wants to see every token's final hidden state.
        int n = batch.sequences();
        float[] first = ws.firstTokens;
        if (last >= 0 && listener == null) {
            layers[last].forwardFirstTokens(batch, ws, parallel, first);
        } else {
            if (last >= 0) {
                layers[last].forward(batch, ws, parallel);
                if (listener != null) {
                    listener.onHiddenStates(last + 1, ws.hiddenStates, tokens, hidden);
                }
            }
            batch.gatherFirstTokens(ws.hiddenStates, hidden, first);
        }
        float[] flat = head.forward(first, n, ws, parallel);
        int labels = head.labels();
        float[][] logits = new float[batch.sequences()][];
        for (int s = 0; s < logits.length; s++) {
            logits[s] = Arrays.copyOfRange(flat, s * labels, (s + 1) * labels);
        }
        return logits;
    }

    /** Reads tensors by name, checking presence and shape against the config. */
    private static final class Loader {
        private final WeightSource source;
        private final Map<String, long[]> expected;

        Loader(RobertaConfig config, WeightSource source) {
            this.source = source;
            this.expected = RobertaShapes.of(config);
        }

        private TensorInfo check(String name) {
            TensorInfo info = source.info(name);
            if (info == null) {
                throw new ModelException(source.description() + ": missing tensor " + name);
            }
            long[] want = expected.get(name);
            if (!Arrays.equals(want, info.shape())) {
                throw new ModelException(source.description() + ": tensor " + name + " has shape "
                        + info.shapeText() + " but config.json implies " + Arrays.toString(want));
            }
            if (!info.dtype().isSupported()) {
                throw new ModelException(source.description() + ": tensor " + name + " has dtype " + info.dtype()
                        + "; only F32, F16 and BF16 are supported");
            }
            return info;
        }

        float[] vector(String name) {
            TensorInfo info = check(name);
            float[] out = new float[Math.toIntExact(info.elementCount())];
            source.read(name, 0, out, 0, out.length);
            return out;
        }

        PackedMatrix linear(String prefix) {
            TensorInfo w = check(prefix + ".weight");
            int out = (int) w.shape()[0];
            int in = (int) w.shape()[1];
            float[] bias = vector(prefix + ".bias");
            return PackedMatrix.pack(out, in, (row, dst) -> source.read(prefix + ".weight", (long) row * in, dst, 0, in), bias);
        }

        /** Several Linear layers with one input, packed as one wider matrix (outputs side by side). */
        PackedMatrix stacked(String... prefixes) {
            int in = 0;
            int[] outs = new int[prefixes.length];
            int total = 0;
            for (int i = 0; i < prefixes.length; i++) {
                TensorInfo w = check(prefixes[i] + ".weight");
                outs[i] = (int) w.shape()[0];
                in = (int) w.shape()[1];
                total += outs[i];
            }
            float[] bias = new float[total];
            for (int i = 0, at = 0; i < prefixes.length; at += outs[i], i++) {
                float[] b = vector(prefixes[i] + ".bias");
                System.arraycopy(b, 0, bias, at, b.length);
            }
            final int width = in;
            return PackedMatrix.pack(total, in, (row, dst) -> {
                int m = 0;
                int r = row;
                while (r >= outs[m]) {
                    r -= outs[m++];
                }
                source.read(prefixes[m] + ".weight", (long) r * width, dst, 0, width);
            }, bias);
        }
    }
}
