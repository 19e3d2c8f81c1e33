package dev.rerank.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sizes and choices in a Hugging Face {@code config.json} for a BERT or RoBERTa encoder, with
 * or without a sequence-classification head, plus the sentence-transformers activation applied to
 * the logits. Everything is validated when read: types, ranges, and the products that size arrays.
 *
 * @param classifier whether {@code architectures} names a *ForSequenceClassification model
 */
public record ModelConfig(
        Architecture architecture,
        boolean classifier,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        int padTokenId,
        double layerNormEps,
        List<String> labels,
        Activation activation) {

    /** What sentence-transformers applies to the logits in predict(). */
    public enum Activation {
        SIGMOID, IDENTITY, TANH;

        static Activation parse(String className, String where) {
            return switch (className) {
                case "torch.nn.modules.activation.Sigmoid", "torch.nn.Sigmoid", "Sigmoid" -> SIGMOID;
                case "torch.nn.modules.linear.Identity", "torch.nn.Identity", "Identity" -> IDENTITY;
                case "torch.nn.modules.activation.Tanh", "torch.nn.Tanh", "Tanh" -> TANH;
                default -> throw new ModelException(where + ": unsupported activation function " + className
                        + " (supported: Sigmoid, Identity, Tanh)");
            };
        }
    }

    /** Bounds that keep every weight array under Java's 2^31 elements and a config typo from asking for terabytes. */
    private static final int MAX_WIDTH = 65_536;
    private static final int MAX_LAYERS = 1_000;
    private static final int MAX_VOCAB = 10_000_000;
    private static final int MAX_POSITIONS = 1_048_576;

    public int numLabels() {
        return labels.size();
    }

    /** The label of the largest of {@code scores} (the first on ties, as argmax picks): predict's "label". */
    public static String labelOf(List<String> labels, float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return labels.get(best);
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Longest token sequence the position table allows (RoBERTa spends pad_token_id + 1 rows before position 0). */
    public int maxSequenceLength() {
        return maxPositionEmbeddings - architecture.firstPosition(padTokenId);
    }

    /** The transformers class this config describes, e.g. BertForSequenceClassification. */
    public String className() {
        return classifier ? architecture.classifierClass() : architecture.baseClass();
    }

    /** Fails unless this is a sequence-classification model (what a cross-encoder needs). */
    public ModelConfig requireClassifier(String where) {
        if (!classifier) {
            throw new ModelException(where + ": config.json describes a " + className()
                    + ", which has no classification head: load it as a sentence encoder");
        }
        return this;
    }

    public static ModelConfig load(Path file) {
        ConfigJson json = ConfigJson.readIfPresent(file);
        if (json == null) {
            throw new ModelException("config.json not found: " + file);
        }
        return fromJson(json.json(), file.toString());
    }

    public static ModelConfig fromJson(JsonObject object, String where) {
        ConfigJson json = new ConfigJson(object, where);
        Architecture arch = architecture(json);
        boolean classifier = classifier(json, arch);
        String act = json.string("hidden_act", "gelu");
        if (!act.equals("gelu")) {
            throw json.error("unsupported hidden_act " + act + " (only the exact-erf \"gelu\")");
        }
        String positions = json.string("position_embedding_type", "absolute");
        if (!positions.equals("absolute")) {
            throw json.error("unsupported position_embedding_type " + positions + " (only absolute)");
        }
        int vocab = json.integer("vocab_size", 1, MAX_VOCAB, null);
        int hidden = json.integer("hidden_size", 1, MAX_WIDTH, null);
        int heads = json.integer("num_attention_heads", 1, MAX_WIDTH, null);
        if (hidden % heads != 0) {
            throw json.error("hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        int layers = json.integer("num_hidden_layers", 0, MAX_LAYERS, null);
        int intermediate = json.integer("intermediate_size", 1, 4 * MAX_WIDTH, null);
        int maxPositions = json.integer("max_position_embeddings", 1, MAX_POSITIONS, null);
        int types = json.integer("type_vocab_size", 1, 1_000, arch == Architecture.BERT ? 2 : 1);
        int pad = json.integer("pad_token_id", 0, vocab - 1, arch == Architecture.BERT ? 0 : 1);
        double eps = json.positive("layer_norm_eps", 1.0, arch.defaultLayerNormEps);
        for (long[] product : new long[][] {{vocab, hidden}, {maxPositions, hidden}, {intermediate, hidden}}) {
            if (product[0] * product[1] > Integer.MAX_VALUE - 64) {
                throw json.error("a weight of " + product[0] + " × " + product[1]
                        + " values is larger than this engine can hold in one array");
            }
        }
        List<String> labels = labels(json);
        ModelConfig config = new ModelConfig(arch, classifier, vocab, hidden, layers, heads, intermediate, maxPositions,
                types, pad, eps, labels, activation(json, labels.size()));
        if (config.maxSequenceLength() <= 0) {
            throw json.error("max_position_embeddings " + maxPositions + " leaves no positions after pad_token_id " + pad);
        }
        return config;
    }

    private static Architecture architecture(ConfigJson json) {
        String type = json.string("model_type", null);
        if (type == null) {
            // Older configs name only the class, and the family is its prefix; a config naming
            // neither is read as RoBERTa, the only family of this engine's first versions.
            String first = firstArchitecture(json);
            type = first == null ? "roberta" : first.startsWith("Roberta") ? "roberta" : first.startsWith("Bert") ? "bert" : first;
        }
        for (Architecture a : Architecture.values()) {
            if (a.modelType.equals(type)) {
                return a;
            }
        }
        throw json.error("unsupported model_type " + (type.isEmpty() ? "(none given)" : type)
                + " (supported: bert, roberta — BertModel, BertForSequenceClassification, RobertaModel,"
                + " RobertaForSequenceClassification)");
    }

    private static String firstArchitecture(ConfigJson json) {
        JsonElement list = json.json().get("architectures");
        if (list == null || list.isJsonNull()) {
            return null;
        }
        if (!list.isJsonArray()) {
            throw json.error("architectures must be a list of class names, got " + ConfigJson.brief(list));
        }
        return list.getAsJsonArray().isEmpty() ? null : json.string(list.getAsJsonArray().get(0), "architectures[0]");
    }

    /** True for *ForSequenceClassification (also when architectures is absent: a cross-encoder is the old default). */
    private static boolean classifier(ConfigJson json, Architecture arch) {
        JsonElement list = json.json().get("architectures");
        if (list == null || list.isJsonNull()) {
            return true;
        }
        firstArchitecture(json); // type checks
        boolean classifier = false;
        for (JsonElement e : list.getAsJsonArray()) {
            String name = json.string(e, "architectures[]");
            if (name.equals(arch.classifierClass())) {
                classifier = true;
            } else if (!name.equals(arch.baseClass())) {
                throw json.error("unsupported architecture " + name + " (supported for model_type " + arch.modelType
                        + ": " + arch.baseClass() + ", " + arch.classifierClass() + ")");
            }
        }
        return classifier || list.getAsJsonArray().isEmpty();
    }

    private static List<String> labels(ConfigJson json) {
        JsonElement id2label = json.json().get("id2label");
        int count = json.integer("num_labels", 1, 100_000, -1);
        List<String> labels = new ArrayList<>();
        if (id2label != null && id2label.isJsonObject() && !id2label.getAsJsonObject().isEmpty()) {
            Map<Integer, String> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonElement> e : id2label.getAsJsonObject().entrySet()) {
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw json.error("id2label key " + ConfigJson.brief(new com.google.gson.JsonPrimitive(e.getKey()))
                            + " is not a label number");
                }
                sorted.put(id, json.string(e.getValue(), "id2label." + e.getKey()));
            }
            int expected = 0;
            for (Map.Entry<Integer, String> e : sorted.entrySet()) {
                if (e.getKey() != expected++) {
                    throw json.error("id2label ids are not 0..n-1");
                }
                labels.add(e.getValue());
            }
            if (count >= 0 && count != labels.size()) {
                throw json.error("num_labels " + count + " but id2label has " + labels.size());
            }
        } else if (id2label != null && !id2label.isJsonNull() && !id2label.isJsonObject()) {
            throw json.error("id2label must be an object, got " + ConfigJson.brief(id2label));
        } else {
            for (int i = 0; i < (count > 0 ? count : 2); i++) {
                labels.add("LABEL_" + i);
            }
        }
        return List.copyOf(labels);
    }

    private static Activation activation(ConfigJson json, int numLabels) {
        JsonElement st = json.json().get("sentence_transformers");
        if (st != null && st.isJsonObject() && st.getAsJsonObject().has("activation_fn")) {
            ConfigJson inner = new ConfigJson(st.getAsJsonObject(), json.where());
            return Activation.parse(inner.string("activation_fn", ""), json.where());
        }
        String legacy = json.string("sbert_ce_default_activation_function", null);
        if (legacy != null) {
            return Activation.parse(legacy, json.where());
        }
        return numLabels == 1 ? Activation.SIGMOID : Activation.IDENTITY;
    }
}
