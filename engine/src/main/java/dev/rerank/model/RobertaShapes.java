package dev.rerank.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parameter names and shapes of transformers' RobertaForSequenceClassification, in its order. */
public final class RobertaShapes {
    private RobertaShapes() {}

    public static Map<String, long[]> of(RobertaConfig c) {
        long h = c.hiddenSize();
        long inter = c.intermediateSize();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("roberta.embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
        s.put("roberta.embeddings.position_embeddings.weight", new long[] {c.maxPositionEmbeddings(), h});
        s.put("roberta.embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), h});
        s.put("roberta.embeddings.LayerNorm.weight", new long[] {h});
        s.put("roberta.embeddings.LayerNorm.bias", new long[] {h});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "roberta.encoder.layer." + i + ".";
            for (String part : new String[] {"query", "key", "value"}) {
                s.put(p + "attention.self." + part + ".weight", new long[] {h, h});
                s.put(p + "attention.self." + part + ".bias", new long[] {h});
            }
            s.put(p + "attention.output.dense.weight", new long[] {h, h});
            s.put(p + "attention.output.dense.bias", new long[] {h});
            s.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            s.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            s.put(p + "intermediate.dense.weight", new long[] {inter, h});
            s.put(p + "intermediate.dense.bias", new long[] {inter});
            s.put(p + "output.dense.weight", new long[] {h, inter});
            s.put(p + "output.dense.bias", new long[] {h});
            s.put(p + "output.LayerNorm.weight", new long[] {h});
            s.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        s.put("classifier.dense.weight", new long[] {h, h});
        s.put("classifier.dense.bias", new long[] {h});
        s.put("classifier.out_proj.weight", new long[] {c.numLabels(), h});
        s.put("classifier.out_proj.bias", new long[] {c.numLabels()});
        return s;
    }
}
