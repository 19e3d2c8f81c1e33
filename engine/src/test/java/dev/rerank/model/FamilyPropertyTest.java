package dev.rerank.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.Parallel;
import dev.rerank.model.family.Families;
import dev.rerank.model.family.Family;
import dev.rerank.weights.SyntheticWeights;
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast encoder against the plain double-precision {@link ReferenceEncoder} on random small
 * models of every family. Head sizes are drawn relative to the machine's vector length L (1, 3,
 * L − 1, L, L + 1, 2L, 4L, 4L + 3; even ones where queries rotate), so every attention path runs
 * on every machine; ModernBERT windows are drawn both shorter and longer than the sequences. The
 * one-row-per-sequence last layer must give the logits of the full one bit for bit, both where the
 * selected queries end on a whole matmul panel and where they end inside one.
 */
class FamilyPropertyTest {
    private static final int CONFIGS = 60;
    private static final double TOLERANCE = 1e-4;
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @ParameterizedTest
    @ValueSource(strings = {"bert", "roberta", "xlm-roberta", "mpnet", "modernbert"})
    void fastEncoderAgreesWithReferenceOnRandomConfigs(String modelType) {
        Random random = new Random(20261207L + modelType.hashCode());
        double worst = 0;
        int fourVectorHeads = 0;
        int queriesInsidePanel = 0;
        int windowsShorter = 0;
        try (Parallel one = new Parallel(1); Parallel three = new Parallel(3)) {
            for (int c = 0; c < CONFIGS; c++) {
                JsonObject json = randomConfig(modelType, random);
                ModelConfig config = ModelConfig.fromJson(json, "random config " + c);
                Recipe.Attention first = config.recipe().layers().get(0).attention();
                fourVectorHeads += first.headSize() == 4 * L ? 1 : 0;
                queriesInsidePanel += first.queryWidth() % MatMul.PANEL != 0 ? 1 : 0;
                windowsShorter += json.has("local_attention") && json.get("local_attention").getAsInt() / 2 < 20 ? 1 : 0;
                String where = modelType + " config " + c + " " + json;
                try (SyntheticWeights weights = ParameterTable.of(config).synthetic("property-" + c)) {
                    Encoder fast = Encoder.load(config, weights, true);
                    ReferenceEncoder reference = new ReferenceEncoder(config, weights, true);
                    TokenBatch batch = batch(config, random);
                    Parallel parallel = random.nextBoolean() ? one : three;
                    float[][] logits = fast.classify(batch, fast.newWorkspace(parallel.threads()), parallel, null);
                    float[] states = fast.forward(batch, RowSelection.EVERY_TOKEN, fast.newWorkspace(parallel.threads()),
                            parallel, null).clone();
                    float[][] everyRow = fast.classify(batch, fast.newWorkspace(3), three, (layer, s, rows, hidden) -> { });
                    for (int s = 0; s < batch.sequences(); s++) {
                        int[] ids = Arrays.copyOfRange(batch.ids(), batch.start(s), batch.start(s + 1));
                        int[] types = Arrays.copyOfRange(batch.typeIds(), batch.start(s), batch.start(s + 1));
                        assertArrayEquals(logits[s], everyRow[s], 0f, where + ": one-row last layer changed the logits");
                        double[] want = reference.logits(ids, types);
                        for (int l = 0; l < want.length; l++) {
                            worst = Math.max(worst, check(want[l], logits[s][l], where + " logit"));
                        }
                        double[][] wantStates = reference.hiddenStates(ids, types);
                        int h = config.hiddenSize();
                        for (int t = 0; t < ids.length; t++) {
                            for (int i = 0; i < h; i++) {
                                worst = Math.max(worst, check(wantStates[t][i], states[(batch.start(s) + t) * h + i],
                                        where + " hidden state"));
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("%s: reference vs fast encoder on %d random configs (vector length %d), max |difference| %.2e%n",
                modelType, CONFIGS, L, worst);
        assertTrue(fourVectorHeads > 0, "no config exercised the four-vector attention head");
        assertTrue(queriesInsidePanel > 0, "no config's selected queries ended inside a panel");
        if (modelType.equals("modernbert")) {
            assertTrue(windowsShorter > 0, "no window was shorter than the sequences");
        }
    }

    @Test
    void anEmptySequenceHasNoFirstTokenToClassify() {
        ModelConfig config = ModelConfig.fromJson(randomConfig("bert", new Random(1)), "bert");
        try (SyntheticWeights weights = ParameterTable.of(config).synthetic("empty");
             Parallel parallel = new Parallel(1)) {
            Encoder encoder = Encoder.load(config, weights, true);
            TokenBatch batch = TokenBatch.of(new int[] {1, 2}, new int[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> encoder.classify(batch, encoder.newWorkspace(1), parallel, null));
            assertTrue(e.getMessage().contains("sequence 1 has no tokens"), e.getMessage());
        }
    }

    @Test
    void everyFamilyIsCovered() {
        assertEquals(Families.ALL.stream().map(f -> f.names().modelType()).toList(),
                java.util.List.of("bert", "roberta", "xlm-roberta", "mpnet", "modernbert"));
    }

    private static double check(double want, float got, String what) {
        double d = Math.abs(want - got);
        assertTrue(d <= TOLERANCE, () -> what + ": reference " + want + ", fast " + got);
        return d;
    }

    /** A random small config.json of one family, with a classification head. */
    static JsonObject randomConfig(String modelType, Random random) {
        boolean rotary = modelType.equals("modernbert");
        int[] headSizes = rotary ? new int[] {2, 4, even(L), even(L + 1), 2 * L, 4 * L, 4 * L + 2}
                : new int[] {1, 3, Math.max(1, L - 1), L, L + 1, 2 * L, 4 * L, 4 * L + 3};
        int headSize = headSizes[random.nextInt(headSizes.length)];
        int heads = 1 + random.nextInt(headSize >= 2 * L ? 2 : 4);
        int hidden = heads * headSize;
        JsonObject c = new JsonObject();
        c.addProperty("model_type", modelType);
        JsonArray classes = new JsonArray();
        classes.add(Families.ALL.stream().filter(f -> f.names().modelType().equals(modelType)).findFirst().orElseThrow()
                .names().classifierClass());
        c.add("architectures", classes);
        c.addProperty("vocab_size", 60);
        c.addProperty("hidden_size", hidden);
        c.addProperty("num_attention_heads", heads);
        c.addProperty("num_hidden_layers", 1 + random.nextInt(4));
        c.addProperty("intermediate_size", 1 + random.nextInt(2 * hidden + 7));
        c.addProperty("num_labels", 1 + random.nextInt(3));
        switch (modelType) {
            case "bert" -> {
                c.addProperty("type_vocab_size", 2);
                c.addProperty("max_position_embeddings", 40);
            }
            case "roberta", "xlm-roberta" -> {
                int pad = random.nextInt(3);
                c.addProperty("pad_token_id", pad);
                c.addProperty("max_position_embeddings", 40 + pad + 1);
            }
            case "mpnet" -> c.addProperty("max_position_embeddings", 42);
            case "modernbert" -> {
                c.addProperty("max_position_embeddings", 40);
                c.addProperty("local_attention", 2 + 2 * random.nextInt(25));
                c.addProperty("global_attn_every_n_layers", 1 + random.nextInt(3));
                c.addProperty("global_rope_theta", random.nextBoolean() ? 160000.0 : 10.0 + random.nextInt(1000));
                c.addProperty("local_rope_theta", 10000.0);
                c.addProperty("classifier_pooling", random.nextBoolean() ? "cls" : "mean");
                c.addProperty("hidden_activation", random.nextBoolean() ? "gelu" : "silu");
                c.addProperty("norm_bias", random.nextBoolean());
                c.addProperty("attention_bias", random.nextBoolean());
                c.addProperty("mlp_bias", random.nextBoolean());
                c.addProperty("classifier_bias", random.nextBoolean());
            }
            default -> throw new IllegalArgumentException(modelType);
        }
        return c;
    }

    private static int even(int n) {
        return n % 2 == 0 ? n : n + 1;
    }

    /** 1–4 sequences of 1–40 tokens; pairs with token types 0 then 1 where the model has two types. */
    private static TokenBatch batch(ModelConfig config, Random random) {
        int n = 1 + random.nextInt(4);
        int[][] ids = new int[n][];
        int[][] types = new int[n][];
        Recipe.Param typeTable = config.recipe().embeddings().tokenTypes();
        boolean pairs = typeTable != null && typeTable.shape()[0] > 1;
        for (int s = 0; s < n; s++) {
            int length = 1 + random.nextInt(random.nextBoolean() ? 8 : config.maxSequenceLength());
            ids[s] = new int[length];
            types[s] = new int[length];
            int split = random.nextInt(length + 1);
            for (int t = 0; t < length; t++) {
                ids[s][t] = random.nextInt(config.vocabSize());
                types[s][t] = pairs && t >= split ? 1 : 0;
            }
        }
        return TokenBatch.of(ids, types);
    }
}
