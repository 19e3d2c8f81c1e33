package dev.rerank.embedding;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import dev.rerank.io.BoundedFiles;
import dev.rerank.io.StrictJson;
import dev.rerank.model.ConfigJson;
import dev.rerank.model.ModelException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sentence-transformers model directory asks for: {@code modules.json} (Transformer →
 * Pooling → optional Normalize), the Pooling module's {@code config.json}, the Transformer's
 * {@code sentence_bert_config.json} (max_seq_length, do_lower_case) and the prompts of
 * {@code config_sentence_transformers.json}. A plain Hugging Face encoder without modules.json
 * gets mean pooling, as sentence-transformers gives it.
 *
 * @param transformer   the directory holding the encoder's config.json, weights and tokenizer
 * @param maxSeqLength  sentence_bert_config.json's max_seq_length, or -1 when not given
 * @param fromModules   false when there was no modules.json and mean pooling was assumed
 */
public record SentenceTransformersDir(Path transformer, Pooling pooling, int maxSeqLength, boolean doLowerCase,
                                      Map<String, String> prompts, String defaultPrompt, boolean fromModules) {

    /**
     * Whether a model directory holds a bi-encoder (to embed with) rather than a cross-encoder (to
     * score pairs with): it has a modules.json, or its config.json names an encoder without a head.
     */
    public static boolean isEmbeddingModel(Path dir) {
        if (Files.isRegularFile(dir.resolve("modules.json"))) {
            return true;
        }
        return Files.isRegularFile(dir.resolve("config.json"))
                && !dev.rerank.model.ModelConfig.load(dir.resolve("config.json")).classifier();
    }

    public static SentenceTransformersDir read(Path dir) {
        Path modulesFile = dir.resolve("modules.json");
        Map<String, String> prompts = new LinkedHashMap<>();
        String defaultPrompt = null;
        ConfigJson st = ConfigJson.readIfPresent(dir.resolve("config_sentence_transformers.json"));
        if (st != null) {
            JsonElement p = st.json().get("prompts");
            if (p != null && !p.isJsonNull()) {
                if (!p.isJsonObject()) {
                    throw st.error("prompts must be an object of name → text");
                }
                for (Map.Entry<String, JsonElement> e : p.getAsJsonObject().entrySet()) {
                    prompts.put(e.getKey(), st.string(e.getValue(), "prompts." + e.getKey()));
                }
            }
            defaultPrompt = st.string("default_prompt_name", null);
            if (defaultPrompt != null && !prompts.containsKey(defaultPrompt)) {
                throw st.error("default_prompt_name " + defaultPrompt + " is not one of the prompts " + prompts.keySet());
            }
        }
        if (!Files.exists(modulesFile)) {
            return new SentenceTransformersDir(dir, Pooling.mean(false), -1, false, Map.copyOf(prompts), defaultPrompt, false);
        }
        // modules.json is a list, which ConfigJson (objects only) does not read: parse it here.
        JsonArray list = modulesList(modulesFile);
        Path transformer = null;
        Pooling pooling = null;
        boolean normalize = false;
        int step = 0;
        for (JsonElement e : list) {
            if (!e.isJsonObject()) {
                throw new ModelException(modulesFile + ": every module must be an object");
            }
            ConfigJson m = new ConfigJson(e.getAsJsonObject(), modulesFile.toString());
            String type = m.string("type", "");
            String kind = type.substring(type.lastIndexOf('.') + 1);
            Path path;
            try {
                path = dir.resolve(m.string("path", ""));
            } catch (InvalidPathException invalid) { // a NUL, found by the fuzz pass
                // brief() quotes it as JSON: the NUL shows as \u0000, not as a raw byte in a terminal.
                throw m.error("module path " + ConfigJson.brief(new JsonPrimitive(m.string("path", ""))) + " is not a valid path");
            }
            if (!inside(dir, path)) {
                throw m.error("module path " + m.string("path", "") + " leaves the model directory");
            }
            int expected = switch (kind) {
                case "Transformer" -> 0;
                case "Pooling" -> 1;
                case "Normalize" -> 2;
                default -> throw m.error("unsupported module " + type
                        + " (supported: Transformer, then Pooling, then optionally Normalize)");
            };
            if (expected != step++) {
                throw m.error("modules must come as Transformer, Pooling, optionally Normalize; found " + kind
                        + " in place " + (step - 1));
            }
            switch (kind) {
                case "Transformer" -> transformer = path;
                case "Pooling" -> pooling = pooling(path.resolve("config.json"));
                default -> normalize = true;
            }
        }
        if (pooling == null) {
            throw new ModelException(modulesFile + ": needs a Transformer and a Pooling module");
        }
        ConfigJson sbert = ConfigJson.readIfPresent(transformer.resolve("sentence_bert_config.json"));
        int maxSeq = sbert == null ? -1 : sbert.integer("max_seq_length", 1, 1_048_576, -1);
        boolean lower = sbert != null && sbert.bool("do_lower_case", false);
        return new SentenceTransformersDir(transformer, pooling.withNormalize(normalize), maxSeq, lower,
                Map.copyOf(prompts), defaultPrompt, true);
    }

    /** Whether {@code path} lies inside {@code dir} (absolute first: "--model ." normalizes to the empty path). */
    public static boolean inside(Path dir, Path path) {
        return path.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize());
    }

    private static JsonArray modulesList(Path file) {
        try {
            JsonElement root = StrictJson.parse(BoundedFiles.readString(file, BoundedFiles.CONFIG_BYTES, "modules.json"));
            if (!root.isJsonArray()) {
                throw new ModelException(file + ": expected a JSON list of modules");
            }
            return root.getAsJsonArray();
        } catch (BoundedFiles.FileRefused e) {
            throw new ModelException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (com.google.gson.JsonParseException e) {
            throw new ModelException(file + ": invalid JSON: " + e.getMessage());
        }
    }

    /** The Pooling module's config: which modes, in sentence-transformers' concatenation order. */
    static Pooling pooling(Path file) {
        ConfigJson c = ConfigJson.readIfPresent(file);
        if (c == null) {
            throw new ModelException("pooling config not found: " + file);
        }
        for (String unsupported : new String[] {"pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
            if (c.bool(unsupported, false)) {
                throw c.error(unsupported + " is not supported (supported: cls, mean, max, mean_sqrt_len_tokens)");
            }
        }
        if (!c.bool("include_prompt", true)) {
            throw c.error("include_prompt false is not supported (prompt tokens are always pooled)");
        }
        List<Pooling.Mode> modes = new ArrayList<>();
        String single = c.string("pooling_mode", null);
        if (single != null) {
            modes.add(switch (single) {
                case "cls" -> Pooling.Mode.CLS;
                case "max" -> Pooling.Mode.MAX;
                case "mean" -> Pooling.Mode.MEAN;
                case "mean_sqrt_len_tokens" -> Pooling.Mode.MEAN_SQRT_LEN;
                default -> throw c.error("unsupported pooling_mode " + single
                        + " (supported: cls, mean, max, mean_sqrt_len_tokens)");
            });
        } else {
            if (c.bool("pooling_mode_cls_token", false)) {
                modes.add(Pooling.Mode.CLS);
            }
            if (c.bool("pooling_mode_max_tokens", false)) {
                modes.add(Pooling.Mode.MAX);
            }
            if (c.bool("pooling_mode_mean_tokens", false)) {
                modes.add(Pooling.Mode.MEAN);
            }
            if (c.bool("pooling_mode_mean_sqrt_len_tokens", false)) {
                modes.add(Pooling.Mode.MEAN_SQRT_LEN);
            }
        }
        if (modes.isEmpty()) {
            throw c.error("no pooling mode is switched on");
        }
        return new Pooling(modes, false);
    }

    /** A short description for people, e.g. "mean pooling, normalized". */
    public String describe() {
        List<String> names = new ArrayList<>();
        for (Pooling.Mode m : pooling.modes()) {
            names.add(m.name().toLowerCase(java.util.Locale.ROOT));
        }
        return String.join(" + ", names) + " pooling" + (pooling.normalize() ? ", normalized" : "");
    }
}
