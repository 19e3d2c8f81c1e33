package dev.rerank.benchmarks;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.weights.DType;
import dev.rerank.weights.SyntheticWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The race's cross-encoders: full-size shapes with synthetic weights, built in memory, each with
 * its own tokenizer and the folder where {@code benchmarks/run.sh} writes its ONNX export.
 */
public enum SyntheticModel {
    /** distilroberta-base's shape (RoBERTa, 6 layers, hidden 768), salt golden-768. */
    DISTILROBERTA("golden-768", "roberta-base-tokenizer", "model"),
    /**
     * cross-encoder/ms-marco-MiniLM-L-6-v2's shape (BERT, 6 layers, hidden 384, raw-logit score):
     * the config of testdata/model-minilm-shape.json, salt golden-minilm.
     */
    MINILM("golden-minilm", "bert-base-uncased-tokenizer", "model-minilm");

    public final String salt;
    private final String tokenizerDir;
    private final String outDir;

    SyntheticModel(String salt, String tokenizerDir, String outDir) {
        this.salt = salt;
        this.tokenizerDir = tokenizerDir;
        this.outDir = outDir;
    }

    public ModelConfig config() {
        return this == DISTILROBERTA ? distilrobertaConfig() : minilmConfig();
    }

    public SyntheticWeights weights() {
        return ParameterTable.of(config()).synthetic(salt);
    }

    public Tokenizer tokenizer() {
        return Tokenizer.load(testdata().resolve(tokenizerDir));
    }

    public CrossEncoder crossEncoder(int threads, int batchSize) {
        return crossEncoder(threads, batchSize, DType.F32);
    }

    /** The cross-encoder with its weight matrices kept as {@code weights} (F32, or BF16 rounded at load). */
    public CrossEncoder crossEncoder(int threads, int batchSize, DType weights) {
        return CrossEncoder.builder(config(), weights(), tokenizer()).threads(threads).batchSize(batchSize)
                .weightsDtype(weights).build();
    }

    /** The ONNX export run.sh writes: -Drerank.onnx.<name()> or benchmarks/target/<folder>/model.onnx. */
    public Path onnxFile() {
        String configured = System.getProperty("rerank.onnx." + name().toLowerCase(java.util.Locale.ROOT));
        return Path.of(configured != null ? configured : "benchmarks/target/" + outDir + "/model.onnx");
    }

    static ModelConfig distilrobertaConfig() {
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

    /** Read from the golden file so that the benchmark and the parity test run one config. */
    static ModelConfig minilmConfig() {
        Path golden = testdata().resolve("model-minilm-shape.json");
        try {
            JsonObject config = JsonParser.parseString(Files.readString(golden)).getAsJsonObject().getAsJsonObject("config");
            return ModelConfig.fromJson(config, golden + " config");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + golden, e);
        }
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
}
