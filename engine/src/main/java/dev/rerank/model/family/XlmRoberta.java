package dev.rerank.model.family;

import dev.rerank.model.ConfigJson;
import dev.rerank.model.Recipe;
import java.util.List;

/**
 * XLM-RoBERTa (bge-reranker-v2-m3, bge-m3, multilingual-e5-base/large): architecturally RoBERTa,
 * with RoBERTa's names; what differs is its SentencePiece Unigram tokenizer (chosen by the tokenizer
 * files) and, for the m3 models, positions for 8,192 tokens.
 */
public final class XlmRoberta implements Family {
    private static final Names NAMES = new Names("XLM-RoBERTa", "xlm-roberta",
            List.of("XLMRobertaModel"), "XLMRobertaForSequenceClassification", "roberta.", "encoder.layer.",
            List.of("BAAI/bge-reranker-v2-m3", "BAAI/bge-reranker-base", "BAAI/bge-m3", "intfloat/multilingual-e5-base",
                    "Snowflake/snowflake-arctic-embed-l-v2.0"));

    @Override
    public Names names() {
        return NAMES;
    }

    @Override
    public Recipe recipe(ConfigJson c, boolean classifier, int labels) {
        return Roberta.recipe(NAMES.name(), c, classifier, labels);
    }
}
