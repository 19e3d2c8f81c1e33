package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.kernels.Parallel;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ReferenceEncoder;
import dev.rerank.model.TokenBatch;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.Truncation;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.WeightSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against the float64 reference logits and hidden states of every golden model file.
 * Tolerance 1e-4 absolute, as the golden README states for a float32 engine; each test prints the
 * largest difference it saw.
 */
class GoldenModelTest {
    private static final double TOLERANCE = 1e-4;
    /** On the full-size models the slow double-precision reference encoder runs on a few short pairs only. */
    private static final int REFERENCE_MAX_TOKENS = 24;
    private static final int REFERENCE_MAX_PAIRS = 4;
    private static Parallel parallel;

    @BeforeAll
    static void setUp() {
        parallel = new Parallel(2);
    }

    @AfterAll
    static void tearDown() {
        parallel.close();
    }

    @Test
    void tinyFloat32() {
        check("model-tiny.json", "models/tiny-roberta", "roberta-base-tokenizer");
    }

    @Test
    void tinyBfloat16() {
        check("model-tiny-bfloat16.json", "models/tiny-roberta-bfloat16", "roberta-base-tokenizer");
    }

    @Test
    void tinyFloat16() {
        check("model-tiny-float16.json", "models/tiny-roberta-float16", "roberta-base-tokenizer");
    }

    @Test
    void tinyNliProbabilities() {
        check("model-tiny-nli.json", null, "roberta-base-tokenizer");
    }

    @Test
    void distilrobertaShapeSynthetic() {
        check("model-distilroberta-shape.json", null, "roberta-base-tokenizer");
    }

    @Test
    void tinyBert() {
        check("model-tiny-bert.json", "models/tiny-bert", "models/tiny-bert");
    }

    @Test
    void minilmShapeSynthetic() {
        check("model-minilm-shape.json", null, "bert-base-uncased-tokenizer");
    }

    @Test
    void tinyXlmRoberta() {
        check("model-tiny-xlmr.json", "models/tiny-xlmr", null);
    }

    @Test
    void xlmRobertaLargeShapeSynthetic() {
        check("model-xlmr-large-shape.json", null, null);
    }

    @Test
    void tinyMpnetFloat16() {
        check("model-tiny-mpnet.json", "models/tiny-mpnet", null);
    }

    @Test
    void tinyModernBertFloat16() {
        check("model-tiny-modernbert.json", "models/tiny-modernbert", null);
    }

    @Test
    void modernBertBaseShapeSynthetic() {
        check("model-modernbert-base-shape.json", null, null);
    }

    /** tokenizerDir null: the golden input_ids are taken as given. */
    private static void check(String goldenFile, String modelDir, String tokenizerDir) {
        JsonObject golden = Golden.read(goldenFile);
        Tokenizer tokenizer = tokenizerDir == null ? null : Tokenizer.load(TestData.file(tokenizerDir));
        ModelConfig config = modelDir == null ? Golden.config(golden)
                : ModelConfig.load(TestData.file(modelDir).resolve("config.json"));
        Encoder model;
        ReferenceEncoder reference;
        try (WeightSource weights = modelDir == null ? Golden.synthetic(golden) : ModelWeights.open(TestData.file(modelDir))) {
            model = Encoder.load(config, weights, true);
            reference = new ReferenceEncoder(config, weights, true);
        }
        int maxLength = golden.has("max_length") ? golden.get("max_length").getAsInt() : config.maxSequenceLength();
        JsonArray pairs = golden.getAsJsonArray("pairs");
        List<int[]> sequences = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (JsonElement e : pairs) {
            JsonObject p = e.getAsJsonObject();
            int[] ids = Golden.ints(p.getAsJsonArray("input_ids"));
            int[] typeIds = p.has("token_type_ids") ? Golden.ints(p.getAsJsonArray("token_type_ids")) : new int[ids.length];
            if (tokenizer != null) {
                Encoding encoding = tokenizer.encodePair(p.get("a").getAsString(), p.get("b").getAsString(), maxLength,
                        Truncation.LONGEST_FIRST);
                assertArrayEquals(ids, encoding.ids(), "tokenizer disagrees with input_ids");
                assertArrayEquals(typeIds, encoding.typeIds(), "tokenizer disagrees with token_type_ids");
            }
            sequences.add(ids);
            types.add(typeIds);
        }
        // All pairs in one batch (no padding), then pair 0 alone with the hidden-state probe.
        TokenBatch batch = TokenBatch.of(sequences.toArray(int[][]::new), types.toArray(int[][]::new));
        float[][] logits = model.classify(batch, model.newWorkspace(2), parallel, null);
        // Without a listener the last layer computes only the first-token rows the head reads;
        // with one it computes every row. The logits must not change by a single bit.
        float[][] everyRow = model.classify(batch, model.newWorkspace(2), parallel, (layer, states, rows, hidden) -> { });
        for (int i = 0; i < logits.length; i++) {
            assertArrayEquals(everyRow[i], logits[i], 0f, goldenFile + ": pair " + i + " first-token-only last layer");
        }
        double worstLogit = 0;
        double worstOutput = 0;
        double worstReference = 0;
        int referencePairs = 0;
        for (int i = 0; i < pairs.size(); i++) {
            JsonObject p = pairs.get(i).getAsJsonObject();
            double[] want = Golden.doubles(p.getAsJsonArray("logits"));
            assertEquals(want.length, logits[i].length);
            for (int l = 0; l < want.length; l++) {
                worstLogit = Math.max(worstLogit, Math.abs(want[l] - logits[i][l]));
            }
            if (config.hiddenSize() < 256
                    || (sequences.get(i).length <= REFERENCE_MAX_TOKENS && referencePairs < REFERENCE_MAX_PAIRS)) {
                double[] ref = reference.logits(sequences.get(i), types.get(i));
                for (int l = 0; l < want.length; l++) {
                    worstReference = Math.max(worstReference, Math.abs(want[l] - ref[l]));
                }
                referencePairs++;
            }
            if (p.has("score")) {
                double score = 1 / (1 + Math.exp(-logits[i][0]));
                worstOutput = Math.max(worstOutput, Math.abs(score - p.get("score").getAsDouble()));
            }
            if (p.has("probabilities")) {
                double[] probs = softmax(logits[i]);
                double[] wantProbs = Golden.doubles(p.getAsJsonArray("probabilities"));
                for (int l = 0; l < probs.length; l++) {
                    worstOutput = Math.max(worstOutput, Math.abs(probs[l] - wantProbs[l]));
                }
            }
        }
        double worstHidden = probe(model, golden, sequences.get(0), types.get(0));
        System.out.printf("%s: %d pairs, max |logit diff| %.2e, max |score/prob diff| %.2e, max |hidden diff| %.2e;"
                        + " reference encoder on %d pairs: max |logit diff| %.2e%n",
                goldenFile, pairs.size(), worstLogit, worstOutput, worstHidden, referencePairs, worstReference);
        assertTrue(worstLogit <= TOLERANCE, goldenFile + ": logit differs by " + worstLogit);
        assertTrue(worstOutput <= TOLERANCE, goldenFile + ": score differs by " + worstOutput);
        assertTrue(worstHidden <= TOLERANCE, goldenFile + ": hidden state differs by " + worstHidden);
        assertTrue(worstReference <= TOLERANCE, goldenFile + ": reference encoder differs by " + worstReference);
    }

    /**
     * Largest difference to the probe's hidden states: all values, or first8 + mean + std of each
     * token (as arrays per layer in the older files, as an object per token in the newer ones).
     */
    private static double probe(Encoder model, JsonObject golden, int[] ids, int[] typeIds) {
        JsonObject probe = golden.getAsJsonObject("probe");
        if (probe == null) {
            return 0;
        }
        double[] worst = {0};
        TokenBatch one = TokenBatch.of(new int[][] {ids}, new int[][] {typeIds});
        model.classify(one, model.newWorkspace(2), parallel, (layer, states, tokens, hidden) -> {
            if (probe.has("hidden_states") && probe.getAsJsonArray("hidden_states").get(layer).getAsJsonArray().get(0).isJsonObject()) {
                JsonArray layerStates = probe.getAsJsonArray("hidden_states").get(layer).getAsJsonArray();
                for (int t = 0; t < tokens; t++) {
                    JsonObject summary = layerStates.get(t).getAsJsonObject();
                    worst[0] = Math.max(worst[0], summaryDiff(states, t * hidden, hidden,
                            Golden.doubles(summary.getAsJsonArray("first8")), summary.get("mean").getAsDouble(),
                            summary.get("std").getAsDouble()));
                }
            } else if (probe.has("hidden_states")) {
                JsonArray layerStates = probe.getAsJsonArray("hidden_states").get(layer).getAsJsonArray();
                for (int t = 0; t < tokens; t++) {
                    double[] want = Golden.doubles(layerStates.get(t).getAsJsonArray());
                    for (int i = 0; i < hidden; i++) {
                        worst[0] = Math.max(worst[0], Math.abs(want[i] - states[t * hidden + i]));
                    }
                }
            } else {
                JsonArray first8 = probe.getAsJsonArray("first8").get(layer).getAsJsonArray();
                JsonArray means = probe.getAsJsonArray("mean").get(layer).getAsJsonArray();
                JsonArray stds = probe.getAsJsonArray("std").get(layer).getAsJsonArray();
                for (int t = 0; t < tokens; t++) {
                    worst[0] = Math.max(worst[0], summaryDiff(states, t * hidden, hidden,
                            Golden.doubles(first8.get(t).getAsJsonArray()), means.get(t).getAsDouble(),
                            stds.get(t).getAsDouble()));
                }
            }
        });
        return worst[0];
    }

    /** Largest difference of one token's row to its first values, mean and population std. */
    private static double summaryDiff(float[] states, int at, int hidden, double[] first, double wantMean, double wantStd) {
        double worst = 0;
        for (int i = 0; i < first.length; i++) {
            worst = Math.max(worst, Math.abs(first[i] - states[at + i]));
        }
        double mean = 0;
        for (int i = 0; i < hidden; i++) {
            mean += states[at + i];
        }
        mean /= hidden;
        double var = 0;
        for (int i = 0; i < hidden; i++) {
            double d = states[at + i] - mean;
            var += d * d;
        }
        worst = Math.max(worst, Math.abs(mean - wantMean));
        return Math.max(worst, Math.abs(Math.sqrt(var / hidden) - wantStd));
    }

    private static double[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        for (int i = 0; i < z.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}
