package dev.rerank.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sizes and choices in a Hugging Face {@code config.json} for RobertaForSequenceClassification,
 * plus the sentence-transformers activation applied to the logits.
 */
public record RobertaConfig(
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

    public int numLabels() {
        return labels.size();
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Longest token sequence the position table allows: RoBERTa spends pad_token_id + 1 slots before position 0. */
    public int maxSequenceLength() {
        return maxPositionEmbeddings - padTokenId - 1;
    }

    public static RobertaConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelException("config.json not found: " + file);
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonObject json;
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()) {
                throw new ModelException(file + ": expected a JSON object");
            }
            json = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ModelException(file + ": invalid JSON");
        }
        return fromJson(json, file.toString());
    }

    public static RobertaConfig fromJson(JsonObject json, String where) {
        String modelType = string(json, "model_type", "roberta");
        if (!modelType.equals("roberta") && !modelType.equals("xlm-roberta")) {
            throw new ModelException(where + ": unsupported model_type " + modelType + " (only roberta)");
        }
        JsonElement architectures = json.get("architectures");
        if (architectures != null && architectures.isJsonArray()) {
            for (JsonElement a : architectures.getAsJsonArray()) {
                if (!a.getAsString().equals("RobertaForSequenceClassification")
                        && !a.getAsString().equals("XLMRobertaForSequenceClassification")) {
                    throw new ModelException(where + ": unsupported architecture " + a.getAsString()
                            + " (only RobertaForSequenceClassification)");
                }
            }
        }
        String act = string(json, "hidden_act", "gelu");
        if (!act.equals("gelu")) {
            throw new ModelException(where + ": unsupported hidden_act " + act + " (only the exact-erf \"gelu\")");
        }
        String posType = string(json, "position_embedding_type", "absolute");
        if (!posType.equals("absolute")) {
            throw new ModelException(where + ": unsupported position_embedding_type " + posType);
        }
        int hidden = integer(json, "hidden_size", where);
        int heads = integer(json, "num_attention_heads", where);
        if (hidden <= 0 || heads <= 0 || hidden % heads != 0) {
            throw new ModelException(where + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        List<String> labels = labels(json, where);
        Activation activation = activation(json, labels.size(), where);
        int pad = json.has("pad_token_id") && !json.get("pad_token_id").isJsonNull() ? json.get("pad_token_id").getAsInt() : 1;
        RobertaConfig config = new RobertaConfig(
                integer(json, "vocab_size", where), hidden, integer(json, "num_hidden_layers", where), heads,
                integer(json, "intermediate_size", where), integer(json, "max_position_embeddings", where),
                json.has("type_vocab_size") ? json.get("type_vocab_size").getAsInt() : 1, pad,
                json.has("layer_norm_eps") ? json.get("layer_norm_eps").getAsDouble() : 1e-5, labels, activation);
        if (config.maxSequenceLength() <= 0) {
            throw new ModelException(where + ": max_position_embeddings " + config.maxPositionEmbeddings
                    + " leaves no positions after pad_token_id " + pad);
        }
        return config;
    }

    private static List<String> labels(JsonObject json, String where) {
        JsonElement id2label = json.get("id2label");
        int count = json.has("num_labels") ? json.get("num_labels").getAsInt() : -1;
        List<String> labels = new ArrayList<>();
        if (id2label != null && id2label.isJsonObject() && !id2label.getAsJsonObject().isEmpty()) {
            Map<Integer, String> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonElement> e : id2label.getAsJsonObject().entrySet()) {
                sorted.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
            }
            int expected = 0;
            for (Map.Entry<Integer, String> e : sorted.entrySet()) {
                if (e.getKey() != expected++) {
                    throw new ModelException(where + ": id2label ids are not 0..n-1");
                }
                labels.add(e.getValue());
            }
            if (count >= 0 && count != labels.size()) {
                throw new ModelException(where + ": num_labels " + count + " but id2label has " + labels.size());
            }
        } else {
            for (int i = 0; i < (count > 0 ? count : 2); i++) {
                labels.add("LABEL_" + i);
            }
        }
        return List.copyOf(labels);
    }

    private static Activation activation(JsonObject json, int numLabels, String where) {
        JsonElement st = json.get("sentence_transformers");
        if (st != null && st.isJsonObject() && st.getAsJsonObject().has("activation_fn")) {
            return Activation.parse(st.getAsJsonObject().get("activation_fn").getAsString(), where);
        }
        JsonElement legacy = json.get("sbert_ce_default_activation_function");
        if (legacy != null && !legacy.isJsonNull()) {
            return Activation.parse(legacy.getAsString(), where);
        }
        return numLabels == 1 ? Activation.SIGMOID : Activation.IDENTITY;
    }

    private static int integer(JsonObject json, String key, String where) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            throw new ModelException(where + ": missing " + key);
        }
        try {
            return e.getAsInt();
        } catch (RuntimeException ex) {
            throw new ModelException(where + ": " + key + " is not an integer: " + e);
        }
    }

    private static String string(JsonObject json, String key, String fallback) {
        JsonElement e = json.get(key);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }
}
