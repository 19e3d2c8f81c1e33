package dev.rerank.model.family;

import static dev.rerank.model.family.Parts.ENCODER;
import static dev.rerank.model.family.Parts.HEAD;

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
import java.util.ArrayList;
import java.util.List;

/**
 * BERT (bert-base-uncased, all-MiniLM-L6-v2, the ms-marco-MiniLM cross-encoders): learned absolute
 * positions counted from 0, two token types (0 for the first text of a pair, 1 for the second),
 * post-norm layers, exact GELU. The classifier reads the pooler: classifier(tanh(pooler.dense(h[CLS]))).
 * Its layers, names included, are shared by RoBERTa and XLM-RoBERTa ({@link #layers}).
 */
public final class Bert implements Family {
    private static final Names NAMES = new Names("BERT", "bert",
            List.of("BertModel"), "BertForSequenceClassification", "bert.", "encoder.layer.",
            List.of("cross-encoder/ms-marco-MiniLM-L-6-v2", "sentence-transformers/all-MiniLM-L6-v2",
                    "BAAI/bge-small-en-v1.5", "intfloat/multilingual-e5-small (with its Unigram tokenizer)"));

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Recipe recipe(ConfigJson c, boolean classifier, int labels) {
        Sizes s = Sizes.read(c, null);
        double eps = c.positive("layer_norm_eps", 1.0, 1e-12);
        int types = c.integer("type_vocab_size", 1, 1_000, 2);
        int pad = c.integer("pad_token_id", 0, s.vocab() - 1, 0);
        Embeddings embeddings = embeddings(s, types, 0, eps);
        Head head = !classifier ? null : new Head(Pool.FIRST, ENCODER.linear("pooler.dense", s.hidden(), s.hidden(), true),
                Activation.TANH, Norm.NONE, HEAD.linear("classifier", labels, s.hidden(), true));
        return new Recipe(NAMES.name(), s.vocab(), s.hidden(), pad, s.positions(), embeddings, layers(c, s, eps), Norm.NONE,
                null, head);
    }

    /** word + token type + position (rows from {@code firstPosition} on), then LayerNorm. */
    static Embeddings embeddings(Sizes s, int types, int firstPosition, double eps) {
        return new Embeddings(ENCODER.table("embeddings.word_embeddings.weight", s.vocab(), s.hidden()),
                ENCODER.table("embeddings.token_type_embeddings.weight", types, s.hidden()),
                ENCODER.table("embeddings.position_embeddings.weight", s.positions(), s.hidden()), firstPosition,
                ENCODER.layerNorm("embeddings.LayerNorm", s.hidden(), eps, true));
    }

    /** BERT's post-norm layers: self-attention, add & norm, GELU feed-forward, add & norm. */
    static List<Layer> layers(ConfigJson c, Sizes s, double eps) {
        Sizes.require(c, "hidden_act", "gelu", "gelu");
        Sizes.require(c, "position_embedding_type", "absolute", "absolute");
        int h = s.hidden();
        int d = s.headSize(c);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < s.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            Attention attention = new Attention(List.of(
                    ENCODER.linear(p + "attention.self.query", h, h, true, 1.5),
                    ENCODER.linear(p + "attention.self.key", h, h, true, 1.5),
                    ENCODER.linear(p + "attention.self.value", h, h, true)),
                    ENCODER.linear(p + "attention.output.dense", h, h, true), s.heads(), s.heads(), d,
                    Norm.NONE, Norm.NONE, null, Mask.BIDIRECTIONAL, false);
            FeedForward ffn = new FeedForward(List.of(ENCODER.linear(p + "intermediate.dense", s.intermediate(), h, true)),
                    Activation.GELU, false, ENCODER.linear(p + "output.dense", h, s.intermediate(), true));
            layers.add(new Layer(Placement.POST_NORM, ENCODER.layerNorm(p + "attention.output.LayerNorm", h, eps, true),
                    attention, ENCODER.layerNorm(p + "output.LayerNorm", h, eps, true), ffn));
        }
        return layers;
    }
}
