package dev.rerank.model.family;

import static dev.rerank.model.family.Parts.HEAD;

import dev.rerank.model.ConfigJson;
import dev.rerank.model.Recipe;
import dev.rerank.model.Recipe.Activation;
import dev.rerank.model.Recipe.Head;
import dev.rerank.model.Recipe.Norm;
import dev.rerank.model.Recipe.Pool;
import java.util.List;

/**
 * RoBERTa (distilroberta-base and its cross-encoders): BERT's layers, with two differences. Position
 * rows 0..pad_token_id are reserved for padding (a fairseq legacy), so the first real token uses
 * row pad + 1; and the classifier is its own: out_proj(tanh(dense(h[&lt;s&gt;]))), no pooler.
 */
public final class Roberta implements Family {
    private static final Names NAMES = new Names("RoBERTa", "roberta",
            List.of("RobertaModel"), "RobertaForSequenceClassification", "roberta.", "encoder.layer.",
            List.of("omkar334/reranker-distilroberta-base-stsb", "cross-encoder/stsb-distilroberta-base",
                    "sentence-transformers/all-distilroberta-v1"));

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Recipe recipe(ConfigJson c, boolean classifier, int labels) {
        return recipe(NAMES.name(), c, classifier, labels);
    }

    /** RoBERTa's recipe under another name (XLM-RoBERTa is architecturally RoBERTa). */
    static Recipe recipe(String name, ConfigJson c, boolean classifier, int labels) {
        Sizes s = Sizes.read(c, null);
        double eps = c.positive("layer_norm_eps", 1.0, 1e-5);
        int types = c.integer("type_vocab_size", 1, 1_000, 1);
        int pad = c.integer("pad_token_id", 0, s.vocab() - 1, 1);
        int firstPosition = pad + 1;
        if (s.positions() <= firstPosition) {
            throw c.error("max_position_embeddings " + s.positions() + " leaves no positions after pad_token_id " + pad);
        }
        Head head = !classifier ? null : head(s.hidden(), labels);
        return new Recipe(name, s.vocab(), s.hidden(), pad, s.positions() - firstPosition,
                Bert.embeddings(s, types, firstPosition, eps), Bert.layers(c, s, eps), Norm.NONE, null, head);
    }

    /** classifier.out_proj(tanh(classifier.dense(h[first token]))), as RoBERTa, XLM-R and MPNet name it. */
    static Head head(int hidden, int labels) {
        return new Head(Pool.FIRST, HEAD.linear("classifier.dense", hidden, hidden, true), Activation.TANH, Norm.NONE,
                HEAD.linear("classifier.out_proj", labels, hidden, true, 3.0));
    }
}
