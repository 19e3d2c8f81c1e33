package dev.rerank.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a transformer computes, as data: the vocabulary every family file ({@code model/family/})
 * writes its architecture in, and the one description both encoders follow — {@link Encoder} with
 * its fast blocks and {@link ReferenceEncoder} in plain loops. Every weight appears here exactly
 * once, as a {@link Param} with its Hugging Face name and shape, so the loader, the synthetic
 * weights and the converter's checks all read the same table ({@link ParameterTable}).
 *
 * <pre>
 *   ids ─▶ embeddings ─▶ [ norm? ─▶ attention ─▶ add (─▶ norm) ─▶ norm? ─▶ feed-forward ─▶ add (─▶ norm) ] × N
 *       ─▶ final norm? ─▶ head (pool ─▶ dense ─▶ act ─▶ norm? ─▶ out) or pooling
 * </pre>
 *
 * @param family      the family's name, for messages ("BERT", "ModernBERT", ...)
 * @param vocab       rows of the word table
 * @param hidden      width of the residual stream
 * @param padTokenId  the padding token (only peers that pad batches need it: this engine never pads)
 * @param maxLength   the longest sequence the positions allow
 * @param finalNorm   applied after the last layer ({@link Norm#NONE} in post-norm families)
 * @param relativeBias a position bias shared by every layer's attention (MPNet), or null
 * @param head        the sequence-classification head, or null for a bare encoder
 */
public record Recipe(String family, int vocab, int hidden, int padTokenId, int maxLength, Embeddings embeddings,
                     List<Layer> layers, Norm finalNorm, RelativeBias relativeBias, Head head) {

    public Recipe {
        layers = List.copyOf(layers);
    }

    /** One tensor of the checkpoint: its name (without the encoder's prefix when {@code inEncoder}), shape and kind. */
    public record Param(String name, long[] shape, Kind kind, double gain, boolean inEncoder) {
        public Param {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Param p && name.equals(p.name) && Arrays.equals(shape, p.shape) && kind == p.kind
                    && gain == p.gain && inEncoder == p.inEncoder;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    /**
     * What a tensor is, which also says how synthetic weights fill it (see
     * {@link dev.rerank.weights.SyntheticWeights}).
     */
    public enum Kind {
        /** A 2-D weight [out, in], filled with variance gain²/in; also the tables the synthetic formula scales so. */
        MATRIX,
        /** A Linear layer's bias, filled small. */
        BIAS,
        /** A norm's scale γ, filled near 1. */
        NORM_WEIGHT,
        /** A LayerNorm's shift β, filled small. */
        NORM_BIAS,
        /** A lookup table [rows, width], filled small. */
        TABLE
    }

    /** y = x·Wᵀ + b, W [out, in]; {@code bias} may be null. */
    public record Linear(Param weight, Param bias) {
        public int out() {
            return (int) weight.shape[0];
        }

        public int in() {
            return (int) weight.shape[1];
        }
    }

    public enum NormKind {
        /** (x − mean) / √(var + eps) · γ (+ β). */
        LAYER,
        /** x / √(mean(x²) + eps) · γ. */
        RMS,
        /** The identity (ModernBERT's first attention norm). */
        NONE
    }

    /** A normalization over the last axis; {@code bias} null for LayerNorms without β and for RMSNorm. */
    public record Norm(NormKind kind, Param weight, Param bias, double eps) {
        public static final Norm NONE = new Norm(NormKind.NONE, null, null, 0);
    }

    /** Pointwise functions of the feed-forward blocks and heads. */
    public enum Activation { GELU, SILU, TANH }

    /**
     * The vector a token enters the first layer with: word (+ token type) (+ position), then the
     * norm. Positions are learned rows from {@code firstPosition} on (RoBERTa spends rows
     * 0..pad_token_id on padding), or absent where attention rotates queries and keys instead.
     */
    public record Embeddings(Param words, Param tokenTypes, Param positions, int firstPosition, Norm norm) {}

    public enum Placement {
        /** BERT: a = N₁(x + attention(x)); y = N₂(a + ffn(a)). */
        POST_NORM,
        /** ModernBERT, Qwen: a = x + attention(N₁(x)); y = a + ffn(N₂(a)). */
        PRE_NORM
    }

    public record Layer(Placement placement, Norm attentionNorm, Attention attention, Norm feedForwardNorm,
                        FeedForward feedForward) {}

    /**
     * Rotary position embedding: query and key halves rotated by angles position · θ^(−2j/d)
     * (rotate-half form).
     */
    public record Rotary(double theta) {}

    /** Which keys a query at position i sees: those with |i − j| ≤ window, and none after it if causal. */
    public record Mask(int window, boolean causal) {
        public static final Mask BIDIRECTIONAL = new Mask(Integer.MAX_VALUE, false);
        public static final Mask CAUSAL = new Mask(Integer.MAX_VALUE, true);

        public static Mask window(int halfWidth) {
            return new Mask(halfWidth, false);
        }

        /** First key visible to query i. */
        public int first(int i) {
            return window == Integer.MAX_VALUE ? 0 : Math.max(0, i - window);
        }

        /** One past the last key visible to query i in a sequence of n. */
        public int end(int i, int n) {
            int end = causal ? i + 1 : n;
            return window == Integer.MAX_VALUE ? end : (int) Math.min(end, (long) i + window + 1);
        }

        public boolean isFull() {
            return window == Integer.MAX_VALUE && !causal;
        }
    }

    /**
     * Multi-head attention. The projections' outputs, side by side, are the queries of
     * {@code heads} heads, then the keys and the values of {@code keyValueHeads} heads (query head
     * h reads key/value head h / (heads / keyValueHeads)), each {@code headSize} wide. The query
     * and key norms act on each head's vector (Qwen3) before the rotation.
     */
    public record Attention(List<Linear> projections, Linear output, int heads, int keyValueHeads, int headSize,
                            Norm queryNorm, Norm keyNorm, Rotary rotary, Mask mask, boolean relativeBias) {
        public Attention {
            projections = List.copyOf(projections);
        }

        public int queryWidth() {
            return heads * headSize;
        }

        public int keyValueWidth() {
            return keyValueHeads * headSize;
        }
    }

    /**
     * The position-wise block: up (the projections side by side), the activation, down. Gated
     * (GeGLU, SwiGLU): the up output's first half goes through the activation and is multiplied by
     * the second half.
     */
    public record FeedForward(List<Linear> up, Activation activation, boolean gated, Linear down) {
        public FeedForward {
            up = List.copyOf(up);
        }

        /** Width of the up projections' output. */
        public int upWidth() {
            return up.stream().mapToInt(Linear::out).sum();
        }

        /** Width down's input takes. */
        public int width() {
            return gated ? upWidth() / 2 : upWidth();
        }
    }

    /**
     * MPNet's learned bias on attention scores by bucketed relative distance, one table
     * [buckets, heads] for all layers: distances below buckets/4 each get a bucket, longer ones share
     * logarithmic buckets up to {@code maxDistance}; keys after the query use the upper half.
     */
    public record RelativeBias(Param table, int buckets, int maxDistance) {
        /** The bucket of key j for query i. */
        public int bucket(int i, int j) {
            int half = buckets / 2;
            int bucket = j > i ? half : 0;
            int n = Math.abs(i - j);
            int exact = half / 2;
            if (n < exact) {
                return bucket + n;
            }
            int large = exact + (int) Math.floor(Math.log((double) n / exact) / Math.log((double) maxDistance / exact)
                    * (half - exact));
            return bucket + Math.min(large, half - 1);
        }
    }

    public enum Pool {
        /** The first token ([CLS], &lt;s&gt;): attention has let it see the whole input. */
        FIRST,
        /** The mean over the tokens. */
        MEAN,
        /** The last token (decoders: the only one that sees every other). */
        LAST
    }

    /**
     * A sequence-classification head: pool the final hidden states, then dense → activation →
     * norm (each optional), then the projection to one logit per label.
     */
    public record Head(Pool pool, Linear dense, Activation activation, Norm norm, Linear out) {}

    /** Every parameter the recipe reads, in order, with or without the head's. */
    public List<Param> params(boolean withHead) {
        List<Param> p = new ArrayList<>();
        add(p, embeddings.words, embeddings.positions, embeddings.tokenTypes);
        add(p, embeddings.norm);
        for (Layer layer : layers) {
            // transformers' module order: a post-norm layer's norms follow their blocks, a pre-norm one's precede them.
            boolean pre = layer.placement == Placement.PRE_NORM;
            if (pre) {
                add(p, layer.attentionNorm);
            }
            for (Linear l : layer.attention.projections) {
                add(p, l);
            }
            add(p, layer.attention.output);
            add(p, layer.attention.queryNorm);
            add(p, layer.attention.keyNorm);
            add(p, pre ? layer.feedForwardNorm : layer.attentionNorm);
            for (Linear l : layer.feedForward.up) {
                add(p, l);
            }
            add(p, layer.feedForward.down);
            if (!pre) {
                add(p, layer.feedForwardNorm);
            }
        }
        if (relativeBias != null) {
            add(p, relativeBias.table);
        }
        add(p, finalNorm);
        if (withHead && head != null) {
            add(p, head.dense);
            add(p, head.norm);
            add(p, head.out);
        }
        return p;
    }

    private static void add(List<Param> list, Param... params) {
        for (Param p : params) {
            if (p != null && list.stream().noneMatch(q -> q.name.equals(p.name))) {
                list.add(p);
            }
        }
    }

    private static void add(List<Param> list, Linear l) {
        if (l != null) {
            add(list, l.weight, l.bias);
        }
    }

    private static void add(List<Param> list, Norm n) {
        add(list, n.weight, n.bias);
    }
}
