package dev.rerank.model.family;

import static dev.rerank.model.family.Parts.ENCODER;
import static dev.rerank.model.family.Parts.HEAD;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.model.ConfigJson;
import dev.rerank.model.Recipe;
import dev.rerank.model.Recipe.Activation;
import dev.rerank.model.Recipe.Attention;
import dev.rerank.model.Recipe.Embeddings;
import dev.rerank.model.Recipe.FeedForward;
import dev.rerank.model.Recipe.Head;
import dev.rerank.model.Recipe.Layer;
import dev.rerank.model.Recipe.Mask;
import dev.rerank.model.Recipe.Norm;
import dev.rerank.model.Recipe.Placement;
import dev.rerank.model.Recipe.Pool;
import dev.rerank.model.Recipe.Rotary;
import java.util.ArrayList;
import java.util.List;

/**
 * ModernBERT (gte-reranker-modernbert-base, gte-modernbert-base, modernbert-embed-base): pre-norm
 * layers without biases (by default), no position table — queries and keys are rotated instead —
 * a GeGLU feed-forward whose one matrix Wi holds both halves, and attention that alternates: every
 * n-th layer (layer 0 first) sees the whole input, the others only keys within local_attention / 2
 * positions, each kind with its own rotary θ. Layer 0's attention norm is the identity. A final
 * norm ends the encoder; the head pools (first token or mean), then dense → activation → norm →
 * classifier.
 */
public final class ModernBert implements Family {
    private static final Names NAMES = new Names("ModernBERT", "modernbert",
            List.of("ModernBertModel", "ModernBertForMaskedLM"), "ModernBertForSequenceClassification", "model.", "layers.",
            List.of("Alibaba-NLP/gte-reranker-modernbert-base", "Alibaba-NLP/gte-modernbert-base",
                    "nomic-ai/modernbert-embed-base"));

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Recipe recipe(ConfigJson c, boolean classifier, int labels) {
        Sizes s = Sizes.read(c, 8192);
        int h = s.hidden();
        int d = s.headSize(c);
        double eps = c.positive("norm_eps", 1.0, 1e-5);
        boolean normBias = c.bool("norm_bias", false);
        boolean attentionBias = c.bool("attention_bias", false);
        boolean mlpBias = c.bool("mlp_bias", false);
        Activation act = activation(c, "hidden_activation");
        int window = c.integer("local_attention", 2, Sizes.MAX_POSITIONS, 128) / 2;
        boolean[] global = globalLayers(c, s.layers());
        double[] theta = ropeThetas(c);
        int pad = c.integer("pad_token_id", 0, s.vocab() - 1, 50283);

        Embeddings embeddings = new Embeddings(ENCODER.table("embeddings.tok_embeddings.weight", s.vocab(), h), null, null,
                0, ENCODER.layerNorm("embeddings.norm", h, eps, normBias));
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < s.layers(); i++) {
            String p = "layers." + i + ".";
            Attention attention = new Attention(List.of(ENCODER.linear(p + "attn.Wqkv", 3 * h, h, attentionBias)),
                    ENCODER.linear(p + "attn.Wo", h, h, attentionBias), s.heads(), s.heads(), d, Norm.NONE, Norm.NONE,
                    new Rotary(global[i] ? theta[0] : theta[1]), global[i] ? Mask.BIDIRECTIONAL : Mask.window(window),
                    false);
            FeedForward ffn = new FeedForward(List.of(ENCODER.linear(p + "mlp.Wi", 2 * s.intermediate(), h, mlpBias)),
                    act, true, ENCODER.linear(p + "mlp.Wo", h, s.intermediate(), mlpBias));
            layers.add(new Layer(Placement.PRE_NORM, i == 0 ? Norm.NONE : ENCODER.layerNorm(p + "attn_norm", h, eps, normBias),
                    attention, ENCODER.layerNorm(p + "mlp_norm", h, eps, normBias), ffn));
        }
        Head head = null;
        if (classifier) {
            String pooling = c.string("classifier_pooling", "cls");
            Pool pool = switch (pooling) {
                case "cls" -> Pool.FIRST;
                case "mean" -> Pool.MEAN;
                default -> throw c.error("unsupported classifier_pooling " + pooling + " (supported: cls, mean)");
            };
            head = new Head(pool, HEAD.linear("head.dense", h, h, c.bool("classifier_bias", false)),
                    activation(c, "classifier_activation"), HEAD.layerNorm("head.norm", h, eps, normBias),
                    HEAD.linear("classifier", labels, h, true));
        }
        return new Recipe(NAMES.name(), s.vocab(), h, pad, s.positions(), embeddings, layers,
                ENCODER.layerNorm("final_norm", h, eps, normBias), null, head);
    }

    private static Activation activation(ConfigJson c, String key) {
        return switch (Sizes.require(c, key, "gelu", "gelu", "silu")) {
            case "silu" -> Activation.SILU;
            default -> Activation.GELU;
        };
    }

    /**
     * Which layers attend globally: {@code layer_types} ("full_attention" / "sliding_attention", as
     * newer configs spell it), else every {@code global_attn_every_n_layers}-th from layer 0.
     */
    private static boolean[] globalLayers(ConfigJson c, int layers) {
        boolean[] global = new boolean[layers];
        JsonElement types = c.json().get("layer_types");
        if (types != null && !types.isJsonNull()) {
            if (!types.isJsonArray() || types.getAsJsonArray().size() != layers) {
                throw c.error("layer_types must list one type for each of the " + layers + " layers");
            }
            for (int i = 0; i < layers; i++) {
                String type = c.string(types.getAsJsonArray().get(i), "layer_types[" + i + "]");
                global[i] = switch (type) {
                    case "full_attention" -> true;
                    case "sliding_attention" -> false;
                    default -> throw c.error("unsupported layer type " + type + " (supported: full_attention, sliding_attention)");
                };
            }
            return global;
        }
        int every = c.integer("global_attn_every_n_layers", 1, Sizes.MAX_LAYERS, 3);
        for (int i = 0; i < layers; i++) {
            global[i] = i % every == 0;
        }
        return global;
    }

    /** {global θ, local θ}: from rope_parameters (newer configs) or global_rope_theta / local_rope_theta. */
    private static double[] ropeThetas(ConfigJson c) {
        if (c.has("rope_scaling")) {
            throw c.error("rope_scaling is not supported (only the default rotary embedding)");
        }
        double global = c.positive("global_rope_theta", 1e12, 160_000.0);
        double local = c.positive("local_rope_theta", 1e12, 10_000.0);
        JsonElement params = c.json().get("rope_parameters");
        if (params != null && !params.isJsonNull()) {
            if (!params.isJsonObject()) {
                throw c.error("rope_parameters must be an object");
            }
            global = theta(c, params.getAsJsonObject(), "full_attention", global);
            local = theta(c, params.getAsJsonObject(), "sliding_attention", local);
        }
        return new double[] {global, local};
    }

    private static double theta(ConfigJson c, JsonObject params, String layerType, double fallback) {
        JsonElement e = params.get(layerType);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonObject()) {
            throw c.error("rope_parameters." + layerType + " must be an object");
        }
        ConfigJson p = new ConfigJson(e.getAsJsonObject(), c.where() + " rope_parameters." + layerType);
        Sizes.require(p, "rope_type", "default", "default");
        return p.positive("rope_theta", 1e12, fallback);
    }
}
