package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.embedding.Pooling;
import dev.rerank.kernels.Parallel;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.model.RowSelection;
import dev.rerank.model.TokenBatch;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.WeightSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The encoder of each round-3 embedding family against the float64 references of its golden file:
 * last hidden states, pooled vectors and normalized embeddings (tolerance 1e-4 absolute, as the
 * golden README states for a float32 engine), every sentence of a file in one batch.
 */
class GoldenEmbeddingTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void tinyXlmRobertaLaidOutAsBgeM3() {
        check("embed-tiny-xlmr-embed.json", "models/tiny-xlmr-embed");
    }

    @Test
    void tinyMpnetLaidOutAsAllMpnetBaseV2() {
        check("embed-tiny-mpnet-embed.json", "models/tiny-mpnet-embed");
    }

    @Test
    void mpnetBaseShapeSynthetic() {
        check("embed-mpnet-base-shape.json", null);
    }

    @Test
    void tinyModernBertLaidOutAsModernBertEmbed() {
        check("embed-tiny-modernbert-embed.json", "models/tiny-modernbert-embed");
    }

    private static void check(String goldenFile, String modelDir) {
        JsonObject golden = Golden.read(goldenFile);
        ModelConfig config = modelDir == null ? Golden.config(golden)
                : ModelConfig.load(TestData.file(modelDir).resolve("config.json"));
        Encoder encoder;
        try (WeightSource weights = modelDir == null
                ? new ParameterTable(config, "", false).synthetic(golden.get("salt").getAsString())
                : ModelWeights.open(TestData.file(modelDir))) {
            encoder = Encoder.load(config, weights, false);
        }
        Pooling.Mode mode = switch (golden.get("pooling").getAsString()) {
            case "cls" -> Pooling.Mode.CLS;
            case "mean" -> Pooling.Mode.MEAN;
            default -> throw new AssertionError(golden.get("pooling"));
        };
        Pooling pooling = new Pooling(List.of(mode), false);
        List<int[]> ids = new ArrayList<>();
        for (JsonElement e : golden.getAsJsonArray("sentences")) {
            ids.add(Golden.ints(e.getAsJsonObject().getAsJsonArray("input_ids")));
        }
        TokenBatch batch = TokenBatch.of(ids.toArray(int[][]::new));
        int h = config.hiddenSize();
        double worstPooled = 0;
        double worstEmbedding = 0;
        double worstHidden = 0;
        try (Parallel parallel = new Parallel(2)) {
            float[] states = encoder.forward(batch, RowSelection.EVERY_TOKEN, encoder.newWorkspace(2), parallel, null);
            for (int s = 0; s < batch.sequences(); s++) {
                JsonObject want = golden.getAsJsonArray("sentences").get(s).getAsJsonObject();
                float[] pooled = pooling.pool(states, batch.start(s), batch.length(s), h);
                worstPooled = Math.max(worstPooled, maxDiff(Golden.doubles(want.getAsJsonArray("pooled")), pooled));
                worstEmbedding = Math.max(worstEmbedding,
                        maxDiff(Golden.doubles(want.getAsJsonArray("embedding")), Pooling.normalized(pooled)));
                if (want.has("last_hidden_state")) {
                    JsonArray rows = want.getAsJsonArray("last_hidden_state");
                    for (int t = 0; t < rows.size(); t++) {
                        double[] row = Golden.doubles(rows.get(t).getAsJsonArray());
                        for (int i = 0; i < h; i++) {
                            worstHidden = Math.max(worstHidden, Math.abs(row[i] - states[(batch.start(s) + t) * h + i]));
                        }
                    }
                }
            }
        } finally {
            encoder.close();
        }
        System.out.printf("%s: %d sentences, max |pooled diff| %.2e, max |embedding diff| %.2e, max |hidden diff| %.2e%n",
                goldenFile, batch.sequences(), worstPooled, worstEmbedding, worstHidden);
        assertTrue(worstPooled <= TOLERANCE, goldenFile + ": pooled differs by " + worstPooled);
        assertTrue(worstEmbedding <= TOLERANCE, goldenFile + ": embedding differs by " + worstEmbedding);
        assertTrue(worstHidden <= TOLERANCE, goldenFile + ": hidden state differs by " + worstHidden);
    }

    private static double maxDiff(double[] want, float[] got) {
        if (want.length != got.length) {
            throw new AssertionError("length " + got.length + ", want " + want.length);
        }
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        return worst;
    }
}
