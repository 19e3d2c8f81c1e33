package dev.rerank.benchmarks;

import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.weights.SyntheticWeights;
import java.nio.file.Files;
import java.nio.file.Path;

/** The distilroberta-base-shaped model with synthetic weights (salt golden-768), built in memory. */
public final class SyntheticModel {
    public static final String SALT = "golden-768";

    private SyntheticModel() {}

    public static ModelConfig distilrobertaConfig() {
        JsonObject c = new JsonObject();
        c.addProperty("vocab_size", 50265);
        c.addProperty("max_position_embeddings", 514);
        c.addProperty("type_vocab_size", 1);
        c.addProperty("layer_norm_eps", 1e-5);
        c.addProperty("hidden_act", "gelu");
        c.addProperty("pad_token_id", 1);
        c.addProperty("hidden_size", 768);
        c.addProperty("num_attention_heads", 12);
        c.addProperty("intermediate_size", 3072);
        c.addProperty("num_hidden_layers", 6);
        c.addProperty("num_labels", 1);
        return ModelConfig.fromJson(c, "distilroberta-base shape");
    }

    public static SyntheticWeights weights(ModelConfig config) {
        return new SyntheticWeights(SALT, ParameterTable.of(config).shapes());
    }

    /** The repository's testdata folder: -Drerank.testdata, else ./testdata or ../testdata. */
    public static Path testdata() {
        String configured = System.getProperty("rerank.testdata");
        for (Path p : configured != null ? new Path[] {Path.of(configured)} : new Path[] {Path.of("testdata"), Path.of("../testdata")}) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException("testdata folder not found: run from the repository root or set -Drerank.testdata");
    }

    public static Tokenizer tokenizer() {
        return Tokenizer.load(testdata().resolve("roberta-base-tokenizer"));
    }

    public static CrossEncoder crossEncoder(int threads, int batchSize) {
        ModelConfig config = distilrobertaConfig();
        return CrossEncoder.builder(config, weights(config), tokenizer()).threads(threads).batchSize(batchSize).build();
    }
}
