package dev.rerank.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.model.family.Families;
import dev.rerank.model.family.Family;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Hugging Face {@code config.json} as the engine reads it: the family it names, whether it is a
 * sequence classifier, the family's {@link Recipe} built from its keys, the labels, and the
 * sentence-transformers activation applied to the logits. Everything is validated when read:
 * types, ranges, and the products that size arrays.
 *
 * @param className  the transformers class it describes, e.g. BertForSequenceClassification
 * @param classifier whether that class has a sequence-classification head
 */
public record ModelConfig(Family family, String className, boolean classifier, Recipe recipe, List<String> labels,
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

    public int vocabSize() {
        return recipe.vocab();
    }

    public int hiddenSize() {
        return recipe.hidden();
    }

    public int numLayers() {
        return recipe.layers().size();
    }

    /** Attention heads of the first layer (0 without layers). */
    public int numHeads() {
        return recipe.layers().isEmpty() ? 0 : recipe.layers().get(0).attention().heads();
    }

    /** The first layer's feed-forward width (0 without layers). */
    public int intermediateSize() {
        return recipe.layers().isEmpty() ? 0 : recipe.layers().get(0).feedForward().width();
    }

    /** Longest token sequence the positions allow. */
    public int maxSequenceLength() {
        return recipe.maxLength();
    }

    /** The padding token (peers that pad batches need it; this engine never pads). */
    public int padTokenId() {
        return recipe.padTokenId();
    }

    /** Fails unless this is a sequence-classification model (what a cross-encoder needs). */
    public ModelConfig requireClassifier(String where) {
        if (!classifier) {
            throw new ModelException(where + ": config.json describes a " + className
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
        Family family = Families.of(json);
        String className = className(json, family);
        boolean classifier = className.equals(family.names().classifierClass());
        List<String> labels = labels(json);
        Recipe recipe = family.recipe(json, classifier, labels.size());
        if (recipe.maxLength() <= 0) {
            throw json.error("the positions leave no room for a single token");
        }
        return new ModelConfig(family, className, classifier, recipe, labels, activation(json, labels.size()));
    }

    /**
     * The class config.json describes: the family's classifier if {@code architectures} names it
     * (or names nothing: a cross-encoder is the old default), else its encoder.
     */
    private static String className(ConfigJson json, Family family) {
        Families.firstClass(json); // type checks
        JsonElement list = json.json().get("architectures");
        if (list == null || list.isJsonNull() || list.getAsJsonArray().isEmpty()) {
            return family.names().classifierClass() != null ? family.names().classifierClass() : family.names().encoderClasses().get(0);
        }
        String found = null;
        for (JsonElement e : list.getAsJsonArray()) {
            String name = json.string(e, "architectures[]");
            if (name.equals(family.names().classifierClass())) {
                found = name;
            } else if (!family.names().encoderClasses().contains(name)) {
                List<String> classes = new ArrayList<>(family.names().encoderClasses());
                if (family.names().classifierClass() != null) {
                    classes.add(family.names().classifierClass());
                }
                throw json.error("unsupported architecture " + name + " (supported for model_type " + family.names().modelType()
                        + ": " + String.join(", ", classes) + ")");
            } else if (found == null) {
                found = name;
            }
        }
        return found;
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
