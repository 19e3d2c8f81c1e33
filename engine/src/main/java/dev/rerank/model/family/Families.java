package dev.rerank.model.family;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import dev.rerank.model.ConfigJson;
import java.util.ArrayList;
import java.util.List;

/** Every family the engine runs, and which one a config.json names. */
public final class Families {
    /** In the order the supported-models list shows them. */
    public static final List<Family> ALL = List.of(new Bert(), new Roberta(), new XlmRoberta(), new MpNet(),
            new ModernBert());

    private Families() {}

    /**
     * The family of a config: by {@code model_type}; for old configs without one, by the class in
     * {@code architectures}; a config naming neither is RoBERTa, the only family of this engine's
     * first versions.
     */
    public static Family of(ConfigJson config) {
        String type = config.string("model_type", null);
        if (type == null) {
            String first = firstClass(config);
            if (first == null) {
                return ALL.get(1);
            }
            for (Family f : ALL) {
                if (f.names().encoderClasses().contains(first) || first.equals(f.names().classifierClass())) {
                    return f;
                }
            }
            throw config.error("no model_type, and architectures names " + first + ", which is not a supported class ("
                    + supported() + ")");
        }
        for (Family f : ALL) {
            if (f.names().modelType().equals(type)) {
                return f;
            }
        }
        throw config.error("unsupported model_type " + (type.isEmpty() ? "(none given)" : type) + " (supported: "
                + supported() + ")");
    }

    /** "bert (BertModel, BertForSequenceClassification), roberta (...), ...". */
    public static String supported() {
        List<String> parts = new ArrayList<>();
        for (Family f : ALL) {
            List<String> classes = new ArrayList<>(f.names().encoderClasses());
            if (f.names().classifierClass() != null) {
                classes.add(f.names().classifierClass());
            }
            parts.add(f.names().modelType() + " (" + String.join(", ", classes) + ")");
        }
        return String.join("; ", parts);
    }

    /**
     * The README's table of supported models, one row per family: what config.json must say, and
     * public checkpoints known to run.
     */
    public static String supportedModelsTable() {
        StringBuilder t = new StringBuilder();
        t.append("| family | `model_type` | cross-encoder class | embedder classes | for example |\n");
        t.append("|---|---|---|---|---|\n");
        for (Family f : ALL) {
            Family.Names n = f.names();
            t.append("| ").append(n.name()).append(" | `").append(n.modelType()).append("` | ")
                    .append(n.classifierClass() == null ? "—" : "`" + n.classifierClass() + "`").append(" | ")
                    .append(String.join(", ", n.encoderClasses().stream().map(c -> "`" + c + "`").toList())).append(" | ")
                    .append(String.join(", ", n.examples())).append(" |\n");
        }
        return t.toString();
    }

    /** config.json's first class name, or null when it names none. */
    public static String firstClass(ConfigJson config) {
        JsonElement list = config.json().get("architectures");
        if (list == null || list.isJsonNull()) {
            return null;
        }
        if (!list.isJsonArray()) {
            throw config.error("architectures must be a list of class names, got " + ConfigJson.brief(list));
        }
        JsonArray array = list.getAsJsonArray();
        return array.isEmpty() ? null : config.string(array.get(0), "architectures[0]");
    }
}
