package dev.rerank.model.family;

import static dev.rerank.model.family.Parts.ENCODER;

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
import dev.rerank.model.Recipe.RelativeBias;
import java.util.ArrayList;
import java.util.List;

/**
 * MPNet (all-mpnet-base-v2, multi-qa-mpnet-base): BERT-like post-norm layers under names of its own,
 * learned positions from row 2 (padding_idx 1 is fixed in transformers' MPNetEmbeddings), no token
 * types, and one learned bias on the attention scores by bucketed relative distance, shared by every
 * layer (32 buckets — transformers fixes that number when it computes them — up to distance 128).
 * The classifier is RoBERTa's.
 */
public final class MpNet implements Family {
    private static final int PADDING_IDX = 1;
    private static final int BUCKETS = 32;
    private static final int MAX_DISTANCE = 128;

    // all-mpnet-base-v2's config names the masked-LM class, while its checkpoint holds the bare model.
    private static final Names NAMES = new Names("MPNet", "mpnet",
            List.of("MPNetModel", "MPNetForMaskedLM"), "MPNetForSequenceClassification", "mpnet.", "encoder.layer.",
            List.of("sentence-transformers/all-mpnet-base-v2", "sentence-transformers/multi-qa-mpnet-base-dot-v1"));

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Recipe recipe(ConfigJson c, boolean classifier, int labels) {
        Sizes s = Sizes.read(c, null);
        Sizes.require(c, "hidden_act", "gelu", "gelu");
        double eps = c.positive("layer_norm_eps", 1.0, 1e-12);
        int buckets = c.integer("relative_attention_num_buckets", BUCKETS, BUCKETS, BUCKETS);
        int pad = c.integer("pad_token_id", 0, s.vocab() - 1, PADDING_IDX);
        int firstPosition = PADDING_IDX + 1;
        if (s.positions() <= firstPosition) {
            throw c.error("max_position_embeddings " + s.positions() + " leaves no positions after the padding rows");
        }
        int h = s.hidden();
        int d = s.headSize(c);
        Embeddings embeddings = new Embeddings(ENCODER.table("embeddings.word_embeddings.weight", s.vocab(), h), null,
                ENCODER.table("embeddings.position_embeddings.weight", s.positions(), h), firstPosition,
                ENCODER.layerNorm("embeddings.LayerNorm", h, eps, true));
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < s.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            Attention attention = new Attention(List.of(
                    ENCODER.linear(p + "attention.attn.q", h, h, true),
                    ENCODER.linear(p + "attention.attn.k", h, h, true),
                    ENCODER.linear(p + "attention.attn.v", h, h, true)),
                    ENCODER.linear(p + "attention.attn.o", h, h, true), s.heads(), s.heads(), d,
                    Norm.NONE, Norm.NONE, null, Mask.BIDIRECTIONAL, true);
            FeedForward ffn = new FeedForward(List.of(ENCODER.linear(p + "intermediate.dense", s.intermediate(), h, true)),
                    Activation.GELU, false, ENCODER.linear(p + "output.dense", h, s.intermediate(), true));
            layers.add(new Layer(Placement.POST_NORM, ENCODER.layerNorm(p + "attention.LayerNorm", h, eps, true),
                    attention, ENCODER.layerNorm(p + "output.LayerNorm", h, eps, true), ffn));
        }
        RelativeBias bias = new RelativeBias(ENCODER.matrix("encoder.relative_attention_bias.weight", buckets, s.heads()),
                BUCKETS, MAX_DISTANCE);
        Head head = classifier ? Roberta.head(h, labels) : null;
        return new Recipe(NAMES.name(), s.vocab(), h, pad, s.positions() - firstPosition, embeddings, layers, Norm.NONE, bias,
                head);
    }
}
