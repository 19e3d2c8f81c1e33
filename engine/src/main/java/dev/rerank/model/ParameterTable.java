package dev.rerank.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one table of parameter names and shapes for a config: the loader reads exactly these names
 * and checks each tensor's shape against this table, and synthetic weights are generated from it.
 * BERT and RoBERTa name their layers alike; they differ in the prefix ({@code bert.} /
 * {@code roberta.}, or none in a bare *Model checkpoint as sentence-transformers saves them) and in
 * the head's names.
 *
 * @param prefix prepended to every encoder weight name
 * @param head   whether the classification head's weights are part of the model
 */
public record ParameterTable(ModelConfig config, String prefix, boolean head) {
    /** transformers' names for the config's class: prefixed encoder, plus the head for a classifier. */
    public static ParameterTable of(ModelConfig config) {
        return new ParameterTable(config, config.architecture().prefix, config.classifier());
    }

    /**
     * The table matching a checkpoint: the encoder's weights prefixed as transformers saves a
     * *ForSequenceClassification model, or bare as sentence-transformers saves a *Model; the head
     * only when asked for.
     */
    public static ParameterTable forWeights(ModelConfig config, dev.rerank.weights.WeightSource weights, boolean head) {
        String prefixed = config.architecture().prefix;
        boolean bare = weights.info(prefixed + "embeddings.word_embeddings.weight") == null
                && weights.info("embeddings.word_embeddings.weight") != null;
        return new ParameterTable(config, bare ? "" : prefixed, head);
    }

    public String embeddings(String part) {
        return prefix + "embeddings." + part;
    }

    public String layer(int i, String part) {
        return prefix + "encoder.layer." + i + "." + part;
    }

    public String headDense() {
        return config.architecture().headDense;
    }

    public String headOut() {
        return config.architecture().headOut;
    }

    /** Every parameter name with its shape, in transformers' order. */
    public Map<String, long[]> shapes() {
        long h = config.hiddenSize();
        long inter = config.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(embeddings("word_embeddings.weight"), new long[] {config.vocabSize(), h});
        s.put(embeddings("position_embeddings.weight"), new long[] {config.maxPositionEmbeddings(), h});
        s.put(embeddings("token_type_embeddings.weight"), new long[] {config.typeVocabSize(), h});
        s.put(embeddings("LayerNorm.weight"), new long[] {h});
        s.put(embeddings("LayerNorm.bias"), new long[] {h});
        for (int i = 0; i < config.numLayers(); i++) {
            for (String part : new String[] {"query", "key", "value"}) {
                linear(s, layer(i, "attention.self." + part), h, h);
            }
            linear(s, layer(i, "attention.output.dense"), h, h);
            norm(s, layer(i, "attention.output.LayerNorm"), h);
            linear(s, layer(i, "intermediate.dense"), inter, h);
            linear(s, layer(i, "output.dense"), h, inter);
            norm(s, layer(i, "output.LayerNorm"), h);
        }
        if (head) {
            linear(s, headDense(), h, h);
            linear(s, headOut(), config.numLabels(), h);
        }
        return Collections.unmodifiableMap(s);
    }

    private static void linear(Map<String, long[]> s, String name, long out, long in) {
        s.put(name + ".weight", new long[] {out, in});
        s.put(name + ".bias", new long[] {out});
    }

    private static void norm(Map<String, long[]> s, String name, long width) {
        s.put(name + ".weight", new long[] {width});
        s.put(name + ".bias", new long[] {width});
    }
}
