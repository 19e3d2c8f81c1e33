package dev.rerank.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.Parallel;
import dev.rerank.weights.SyntheticWeights;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The fast encoder against the plain double-precision {@link ReferenceEncoder} on random small
 * models of both architectures. Head sizes are drawn relative to the machine's vector length L
 * (1, 3, L − 1, L, L + 1, 2L, 4L, 4L + 3), so every attention path — including the four-vector
 * head (d = 4L) — runs on every machine, whatever its vector width. The first-token-only last layer
 * must give the logits of the full one bit for bit, both where the first tokens' queries end on a
 * whole matmul panel and where they end inside one.
 */
class EncoderPropertyTest {
    private static final int CONFIGS = 240;
    private static final double TOLERANCE = 1e-4;
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void fastEncoderAgreesWithReferenceOnRandomConfigs() {
        Random random = new Random(20261127);
        int[] headSizes = {1, 3, Math.max(1, L - 1), L, L + 1, 2 * L, 4 * L, 4 * L + 3};
        double worst = 0;
        int fourVectorHeads = 0;
        int queryColumnsAlone = 0;
        int queryColumnsInsidePanel = 0;
        try (Parallel one = new Parallel(1); Parallel three = new Parallel(3)) {
            for (int c = 0; c < CONFIGS; c++) {
                Architecture arch = random.nextBoolean() ? Architecture.BERT : Architecture.ROBERTA;
                int headSize = headSizes[random.nextInt(headSizes.length)];
                int heads = 1 + random.nextInt(headSize >= 2 * L ? 2 : 4);
                fourVectorHeads += headSize == 4 * L ? 1 : 0;
                // The last layer's first-token queries, columns [0, hidden) of the fused product, end on a
                // whole panel or inside one (then the kernel computes the panel and keeps the columns).
                queryColumnsAlone += heads * headSize % MatMul.PANEL == 0 ? 1 : 0;
                queryColumnsInsidePanel += heads * headSize % MatMul.PANEL != 0 ? 1 : 0;
                ModelConfig config = config(arch, heads * headSize, heads, 1 + random.nextInt(4),
                        1 + random.nextInt(2 * heads * headSize + 7), 1 + random.nextInt(3), random);
                String where = "config " + c + " (" + arch + ", hidden " + config.hiddenSize() + ", " + heads
                        + " heads of " + headSize + ", " + config.numLayers() + " layers)";
                try (SyntheticWeights weights = new SyntheticWeights("property-" + c, ParameterTable.of(config).shapes())) {
                    Encoder fast = Encoder.load(config, weights, true);
                    ReferenceEncoder reference = new ReferenceEncoder(config, weights, true);
                    TokenBatch batch = batch(config, random);
                    Parallel parallel = random.nextBoolean() ? one : three;
                    float[][] logits = fast.classify(batch, fast.newWorkspace(parallel.threads()), parallel, null);
                    float[] states = fast.forward(batch, RowSelection.EVERY_TOKEN, fast.newWorkspace(parallel.threads()),
                            parallel, null).clone();
                    float[][] everyRow = fast.classify(batch, fast.newWorkspace(3), three, (layer, s, rows, hidden) -> { });
                    for (int s = 0; s < batch.sequences(); s++) {
                        int[] ids = java.util.Arrays.copyOfRange(batch.ids(), batch.start(s), batch.start(s + 1));
                        int[] types = java.util.Arrays.copyOfRange(batch.typeIds(), batch.start(s), batch.start(s + 1));
                        assertArrayEquals(logits[s], everyRow[s], 0f, where + ": first-token-only last layer changed the logits");
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
        System.out.printf("reference vs fast encoder: %d random configs (vector length %d, %d with 4L-wide heads),"
                + " max |difference| %.2e%n", CONFIGS, L, fourVectorHeads, worst);
        assertTrue(fourVectorHeads > 0, "no config exercised the four-vector attention head");
        assertTrue(queryColumnsAlone > 0, "no config projected the first tokens' queries apart");
        assertTrue(queryColumnsInsidePanel > 0, "no config's first-token queries ended inside a panel");
    }

    @Test
    void anEmptySequenceHasNoFirstTokenToClassify() {
        ModelConfig config = config(Architecture.BERT, 16, 2, 1, 8, 1, new Random(1));
        try (SyntheticWeights weights = new SyntheticWeights("empty", ParameterTable.of(config).shapes());
             Parallel parallel = new Parallel(1)) {
            Encoder encoder = Encoder.load(config, weights, true);
            TokenBatch batch = TokenBatch.of(new int[] {1, 2}, new int[0]);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> encoder.classify(batch, encoder.newWorkspace(1), parallel, null));
            assertTrue(e.getMessage().contains("sequence 1 has no tokens"), e.getMessage());
        }
    }

    private static double check(double want, float got, String what) {
        double d = Math.abs(want - got);
        assertTrue(d <= TOLERANCE, () -> what + ": reference " + want + ", fast " + got);
        return d;
    }

    static ModelConfig config(Architecture arch, int hidden, int heads, int layers, int intermediate, int labels,
                              Random random) {
        JsonObject c = new JsonObject();
        c.addProperty("model_type", arch.modelType);
        com.google.gson.JsonArray classes = new com.google.gson.JsonArray();
        classes.add(arch.classifierClass());
        c.add("architectures", classes);
        int pad = arch == Architecture.ROBERTA ? random.nextInt(3) : 0;
        c.addProperty("vocab_size", 60);
        c.addProperty("max_position_embeddings", 40 + pad + 1);
        c.addProperty("type_vocab_size", arch == Architecture.BERT ? 2 : 1);
        c.addProperty("pad_token_id", pad);
        c.addProperty("hidden_size", hidden);
        c.addProperty("num_attention_heads", heads);
        c.addProperty("num_hidden_layers", layers);
        c.addProperty("intermediate_size", intermediate);
        c.addProperty("num_labels", labels);
        return ModelConfig.fromJson(c, "random config");
    }

    /** 1–4 sequences of 1–40 tokens; BERT ones are pairs (type 0 then type 1). */
    private static TokenBatch batch(ModelConfig config, Random random) {
        int n = 1 + random.nextInt(4);
        int[][] ids = new int[n][];
        int[][] types = new int[n][];
        for (int s = 0; s < n; s++) {
            int length = 1 + random.nextInt(random.nextBoolean() ? 8 : config.maxSequenceLength());
            ids[s] = new int[length];
            types[s] = new int[length];
            int split = random.nextInt(length + 1);
            for (int t = 0; t < length; t++) {
                ids[s][t] = random.nextInt(config.vocabSize());
                types[s][t] = config.typeVocabSize() > 1 && t >= split ? 1 : 0;
            }
        }
        return TokenBatch.of(ids, types);
    }
}
