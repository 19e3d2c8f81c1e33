package dev.rerank.model;

/**
 * The encoder families the engine runs. They share every transformer layer; what differs is data:
 * where positions start, the default LayerNorm epsilon, and the names of the weights.
 *
 * <ul>
 *   <li>BERT numbers positions 0..n-1 and adds a learned token-type row (0 for the first text of a
 *       pair, 1 for the second). Its classifier reads the pooler: {@code tanh(pooler.dense(h[CLS]))}
 *       → {@code classifier}.
 *   <li>RoBERTa reserves position rows 0..pad_token_id for padding (a fairseq legacy), so the first
 *       real token uses row pad + 1; it has one token type. Its classifier is
 *       {@code classifier.dense} → tanh → {@code classifier.out_proj} on {@code <s>}.
 * </ul>
 */
public enum Architecture {
    BERT("bert", "bert.", 1e-12, "bert.pooler.dense", "classifier"),
    ROBERTA("roberta", "roberta.", 1e-5, "classifier.dense", "classifier.out_proj");

    /** config.json's {@code model_type}. */
    public final String modelType;
    /** Prefix of the encoder's weights in a *ForSequenceClassification checkpoint (bare in *Model ones). */
    final String prefix;
    /** layer_norm_eps when config.json does not say. */
    final double defaultLayerNormEps;
    /** The head's two Linear layers: dense (hidden → hidden, then tanh) and the label projection. */
    final String headDense;
    final String headOut;

    Architecture(String modelType, String prefix, double defaultLayerNormEps, String headDense, String headOut) {
        this.modelType = modelType;
        this.prefix = prefix;
        this.defaultLayerNormEps = defaultLayerNormEps;
        this.headDense = headDense;
        this.headOut = headOut;
    }

    /** Row of the position table used by a sequence's first token. */
    int firstPosition(int padTokenId) {
        return this == ROBERTA ? padTokenId + 1 : 0;
    }

    /** The class names in config.json's {@code architectures} for an encoder without and with a classifier. */
    String baseClass() {
        return this == BERT ? "BertModel" : "RobertaModel";
    }

    String classifierClass() {
        return this == BERT ? "BertForSequenceClassification" : "RobertaForSequenceClassification";
    }
}
