package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.embedding.Pooling;
import dev.rerank.embedding.Pooling.Mode;
import dev.rerank.kernels.Parallel;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ModelException;
import dev.rerank.model.ParameterTable;
import dev.rerank.model.ReferenceEncoder;
import dev.rerank.model.RowSelection;
import dev.rerank.model.TokenBatch;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.SyntheticWeights;
import dev.rerank.weights.WeightSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sentence embeddings against the float64 reference of embed-tiny-bert.json, and the API's promises. */
class SentenceEncoderTest {
    private static final double EMBEDDING_TOLERANCE = 1e-5;
    private static final double HIDDEN_TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    @Test
    void everyPoolingModeMatchesTheReference() {
        JsonObject golden = Golden.read("embed-tiny-bert.json");
        Path dir = TestData.file("models/tiny-bert-embed");
        List<String> texts = new ArrayList<>();
        for (JsonElement e : golden.getAsJsonArray("sentences")) {
            texts.add(e.getAsJsonObject().get("text").getAsString());
        }
        Map<String, Pooling> modes = Map.of(
                "cls", new Pooling(List.of(Mode.CLS), false),
                "mean", Pooling.mean(false),
                "max", new Pooling(List.of(Mode.MAX), false),
                "mean_sqrt_len", new Pooling(List.of(Mode.MEAN_SQRT_LEN), false),
                "mean_normalized", Pooling.mean(true));
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        Tokenizer tokenizer = Tokenizer.load(dir);
        double worst = 0;
        try (WeightSource weights = ModelWeights.open(dir)) {
            for (Map.Entry<String, Pooling> mode : modes.entrySet()) {
                try (SentenceEncoder model = SentenceEncoder.builder(config, weights, tokenizer, mode.getValue())
                        .maxLength(128).threads(2).build()) {
                    float[][] got = model.encode(texts);
                    for (int i = 0; i < texts.size(); i++) {
                        JsonObject s = golden.getAsJsonArray("sentences").get(i).getAsJsonObject();
                        assertArrayEquals(Golden.ints(s.getAsJsonArray("input_ids")), model.tokenize(texts.get(i)).ids());
                        worst = Math.max(worst, maxDiff(Golden.doubles(s.getAsJsonArray(mode.getKey())), got[i]));
                    }
                }
            }
        }
        // The directory itself asks for mean pooling then Normalize.
        double worstDir = 0;
        try (SentenceEncoder model = SentenceEncoder.load(dir)) {
            assertEquals(128, model.maxLength());
            float[][] got = model.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                JsonObject s = golden.getAsJsonArray("sentences").get(i).getAsJsonObject();
                worstDir = Math.max(worstDir, maxDiff(Golden.doubles(s.getAsJsonArray("mean_normalized")), got[i]));
            }
        }
        double worstHidden = lastHiddenStates(golden, config, dir);
        System.out.printf("embed-tiny-bert.json: %d sentences, 5 poolings, max |embedding diff| %.2e (directory: %.2e),"
                + " max |last hidden diff| %.2e%n", texts.size(), worst, worstDir, worstHidden);
        assertTrue(worst <= EMBEDDING_TOLERANCE && worstDir <= EMBEDDING_TOLERANCE, "embedding differs by " + worst);
        assertTrue(worstHidden <= HIDDEN_TOLERANCE, "hidden state differs by " + worstHidden);
    }

    private static double lastHiddenStates(JsonObject golden, ModelConfig config, Path dir) {
        Encoder encoder;
        try (WeightSource weights = ModelWeights.open(dir)) {
            encoder = Encoder.load(config, weights, false);
        }
        double worst = 0;
        try (Parallel parallel = new Parallel(2)) {
            for (JsonElement e : golden.getAsJsonArray("sentences")) {
                JsonObject s = e.getAsJsonObject();
                int[] ids = Golden.ints(s.getAsJsonArray("input_ids"));
                float[] states = encoder.forward(TokenBatch.of(ids), RowSelection.EVERY_TOKEN, encoder.newWorkspace(2), parallel, null);
                JsonArray want = s.getAsJsonArray("last_hidden_state");
                int h = config.hiddenSize();
                for (int t = 0; t < ids.length; t++) {
                    double[] row = Golden.doubles(want.get(t).getAsJsonArray());
                    for (int i = 0; i < h; i++) {
                        worst = Math.max(worst, Math.abs(row[i] - states[t * h + i]));
                    }
                }
            }
        }
        return worst;
    }

    /** all-distilroberta-v1 is a RoBERTa bi-encoder: a synthetic one, every pooling against the reference encoder. */
    @Test
    void robertaEmbeddingModelMatchesTheReferenceEncoder() {
        JsonObject c = new JsonObject();
        c.addProperty("model_type", "roberta");
        JsonArray arch = new JsonArray();
        arch.add("RobertaModel");
        c.add("architectures", arch);
        c.addProperty("vocab_size", 50265);
        c.addProperty("max_position_embeddings", 514);
        c.addProperty("hidden_size", 48);
        c.addProperty("num_attention_heads", 4);
        c.addProperty("num_hidden_layers", 2);
        c.addProperty("intermediate_size", 96);
        ModelConfig config = ModelConfig.fromJson(c, "synthetic distilroberta-like encoder");
        Tokenizer tokenizer = Tokenizer.load(TestData.file("roberta-base-tokenizer"));
        List<String> texts = List.of("A man is playing a guitar.", "Hi", "The quick brown fox jumps over the lazy dog, again and again.");
        double worst = 0;
        try (SyntheticWeights weights = new ParameterTable(config, "", false).synthetic("embed-roberta")) {
            ReferenceEncoder reference = new ReferenceEncoder(config, weights, false);
            for (Pooling pooling : List.of(Pooling.mean(true), new Pooling(List.of(Mode.CLS), false),
                    new Pooling(List.of(Mode.CLS, Mode.MAX, Mode.MEAN, Mode.MEAN_SQRT_LEN), true))) {
                try (SentenceEncoder model = SentenceEncoder.builder(config, weights, tokenizer, pooling).threads(2).build()) {
                    assertEquals(pooling.dimension(48), model.dimension());
                    float[][] got = model.encode(texts);
                    for (int i = 0; i < texts.size(); i++) {
                        int[] ids = model.tokenize(texts.get(i)).ids();
                        double[][] states = reference.hiddenStates(ids, null);
                        double[] want = referencePooling(states, pooling);
                        worst = Math.max(worst, maxDiff(want, got[i]));
                    }
                }
            }
        }
        System.out.printf("synthetic RoBERTa embeddings vs reference encoder: max |diff| %.2e%n", worst);
        assertTrue(worst <= EMBEDDING_TOLERANCE, "embedding differs by " + worst);
    }

    private static double[] referencePooling(double[][] states, Pooling pooling) {
        List<double[]> parts = new ArrayList<>();
        for (Mode m : pooling.modes()) {
            parts.add(switch (m) {
                case CLS -> ReferenceEncoder.clsPooling(states);
                case MAX -> ReferenceEncoder.maxPooling(states);
                case MEAN -> ReferenceEncoder.meanPooling(states, false);
                case MEAN_SQRT_LEN -> ReferenceEncoder.meanPooling(states, true);
            });
        }
        double[] out = new double[parts.size() * states[0].length];
        for (int p = 0; p < parts.size(); p++) {
            System.arraycopy(parts.get(p), 0, out, p * states[0].length, states[0].length);
        }
        return pooling.normalize() ? ReferenceEncoder.normalize(out) : out;
    }

    @Test
    void bitIdenticalWhateverThreadsOrBatches() {
        Path dir = TestData.file("models/tiny-bert-embed");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add("sentence number " + i + " " + "word ".repeat(i % 13));
        }
        float[][] alone;
        try (SentenceEncoder one = SentenceEncoder.builder(dir).threads(1).batchSize(1).build()) {
            alone = one.encode(texts);
            assertArrayEquals(alone[5], one.encode(texts.get(5)));
        }
        try (SentenceEncoder many = SentenceEncoder.builder(dir).threads(3).batchSize(7).build()) {
            float[][] batched = many.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(alone[i], batched[i], 0f, "text " + i);
            }
        }
    }

    @Test
    void similarityIsCosine() {
        assertEquals(1f, SentenceEncoder.similarity(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-6f);
        assertEquals(0f, SentenceEncoder.similarity(new float[] {1, 0}, new float[] {0, 5}), 1e-6f);
        assertEquals(-1f, SentenceEncoder.similarity(new float[] {1, 1}, new float[] {-3, -3}), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> SentenceEncoder.similarity(new float[2], new float[3]));
    }

    @Test
    void directoryErrorsAreNamed() throws IOException {
        Path src = TestData.file("models/tiny-bert-embed");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "modules.json", "sentence_bert_config.json"}) {
            Files.copy(src.resolve(f), tmp.resolve(f));
        }
        Files.createDirectories(tmp.resolve("1_Pooling"));
        Files.writeString(tmp.resolve("1_Pooling/config.json"), "{\"pooling_mode_weightedmean_tokens\": true}");
        ModelException e = assertThrows(ModelException.class, () -> SentenceEncoder.load(tmp));
        assertTrue(e.getMessage().contains("pooling_mode_weightedmean_tokens is not supported"), e.getMessage());
        Files.writeString(tmp.resolve("1_Pooling/config.json"), "{\"pooling_mode_mean_tokens\": true}");
        Files.writeString(tmp.resolve("modules.json"), "[{\"path\": \"\", \"type\": \"sentence_transformers.models.Transformer\"},"
                + " {\"path\": \"1_Pooling\", \"type\": \"sentence_transformers.models.Pooling\"},"
                + " {\"path\": \"2_Dense\", \"type\": \"sentence_transformers.models.Dense\"}]");
        e = assertThrows(ModelException.class, () -> SentenceEncoder.load(tmp));
        assertTrue(e.getMessage().contains("unsupported module sentence_transformers.models.Dense"), e.getMessage());
        // Found by the fuzz pass: a NUL in a module path was an InvalidPathException.
        Files.writeString(tmp.resolve("modules.json"), "[{\"path\": \"a\\u0000b\", \"type\": \"sentence_transformers.models.Transformer\"}]");
        e = assertThrows(ModelException.class, () -> SentenceEncoder.load(tmp));
        assertTrue(e.getMessage().contains("modules.json: module path \"a\\u0000b\" is not a valid path"), e.getMessage());
        // Without modules.json: mean pooling, not normalized.
        Files.delete(tmp.resolve("modules.json"));
        try (SentenceEncoder plain = SentenceEncoder.load(tmp)) {
            assertEquals(Pooling.mean(false), plain.pooling());
        }
    }

    private static double maxDiff(double[] want, float[] got) {
        assertEquals(want.length, got.length);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        return worst;
    }
}
