package dev.rerank.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.Golden;
import dev.rerank.TestData;
import dev.rerank.kernels.Parallel;
import dev.rerank.weights.DType;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.TensorInfo;
import dev.rerank.weights.WeightSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The precision weights are kept in. 16-bit checkpoints stay 16-bit and give, bit for bit, the
 * hidden states and logits of the same weights widened to float32 at load. BF16 mode (float32
 * weights rounded to bfloat16) stays within its stated bound of the float64 reference logits on
 * every golden model file.
 */
class WeightPrecisionTest {
    private static Parallel parallel;

    @BeforeAll
    static void setUp() {
        parallel = new Parallel(2);
    }

    @AfterAll
    static void tearDown() {
        parallel.close();
    }

    private record Run(float[][] logits, List<float[]> hiddenStates) {}

    /** All golden pairs in one batch: logits, and every layer's hidden states. */
    private static Run run(Encoder model, TokenBatch batch) {
        List<float[]> states = new ArrayList<>();
        float[][] logits = model.classify(batch, model.newWorkspace(2), parallel,
                (layer, s, rows, hidden) -> states.add(java.util.Arrays.copyOf(s, rows * hidden)));
        return new Run(logits, states);
    }

    private static TokenBatch batch(JsonObject golden) {
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (JsonElement e : golden.getAsJsonArray("pairs")) {
            JsonObject p = e.getAsJsonObject();
            int[] i = Golden.ints(p.getAsJsonArray("input_ids"));
            ids.add(i);
            types.add(p.has("token_type_ids") ? Golden.ints(p.getAsJsonArray("token_type_ids")) : new int[i.length]);
        }
        return TokenBatch.of(ids.toArray(int[][]::new), types.toArray(int[][]::new));
    }

    private static WeightSource open(JsonObject golden, String modelDir) {
        return modelDir.isEmpty() ? Golden.synthetic(golden) : ModelWeights.open(TestData.file(modelDir));
    }

    private static ModelConfig config(JsonObject golden, String modelDir) {
        return modelDir.isEmpty() ? Golden.config(golden) : ModelConfig.load(TestData.file(modelDir).resolve("config.json"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"model-tiny-float16.json, models/tiny-roberta-float16", "model-tiny-bfloat16.json, models/tiny-roberta-bfloat16"})
    void sixteenBitWeightsStay16BitAndGiveTheFloat32ResultsBitForBit(String goldenFile, String modelDir) {
        JsonObject golden = Golden.read(goldenFile);
        ModelConfig config = config(golden, modelDir);
        Encoder kept;
        Encoder widened;
        Encoder bf16Mode;
        try (WeightSource w = open(golden, modelDir)) {
            kept = Encoder.load(config, w, true);
            widened = Encoder.load(config, w, true, DType.F32);
            bf16Mode = Encoder.load(config, w, true, DType.BF16);
        }
        // Everything but the float32 biases and LayerNorm parameters is half the size.
        long vectors = 2 * kept.weightBytes() - widened.weightBytes();
        assertTrue(vectors > 0 && vectors < widened.weightBytes() / 10,
                "16-bit: " + kept.weightBytes() + " bytes, widened: " + widened.weightBytes());
        assertEquals(kept.weightBytes(), bf16Mode.weightBytes(), "BF16 mode keeps a 16-bit file's own format");
        TokenBatch batch = batch(golden);
        Run want = run(widened, batch);
        for (Encoder model : new Encoder[] {kept, bf16Mode}) {
            Run got = run(model, batch);
            for (int i = 0; i < want.logits.length; i++) {
                assertArrayEquals(want.logits[i], got.logits[i], 0f, goldenFile + ": pair " + i);
            }
            assertEquals(want.hiddenStates.size(), got.hiddenStates.size());
            for (int layer = 0; layer < want.hiddenStates.size(); layer++) {
                assertArrayEquals(want.hiddenStates.get(layer), got.hiddenStates.get(layer), 0f,
                        goldenFile + ": hidden states after layer " + layer);
            }
        }
    }

    /** A closed encoder refuses work, whatever its weights (16-bit ones, off the heap, are freed by the close). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"model-tiny-float16.json, models/tiny-roberta-float16, ''", "model-tiny.json, models/tiny-roberta, BF16",
        "model-tiny.json, models/tiny-roberta, F32"})
    void aClosedEncoderRefusesWorkWhateverItsWeights(String goldenFile, String modelDir, String dtype) {
        JsonObject golden = Golden.read(goldenFile);
        Encoder model;
        try (WeightSource w = open(golden, modelDir)) {
            model = Encoder.load(config(golden, modelDir), w, true, dtype.isEmpty() ? null : DType.valueOf(dtype));
        }
        TokenBatch batch = batch(golden);
        float[][] before = run(model, batch).logits;
        assertTrue(before.length > 0 && Float.isFinite(before[0][0]));
        model.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(model, batch));
        assertEquals("this encoder is closed", e.getMessage());
        model.close(); // a second close does nothing
    }

    /**
     * BF16 mode's bound on |logit − float64 reference|, per golden file. Rounding a weight to BF16
     * moves it by at most 2^-9 of itself; through these untrained random-weight models (chaotic:
     * peaked attention, large gains) that moved logits by 4.2e-3 (minilm shape) to 3.5e-2
     * (distilroberta shape, 2% of its largest logit), the same with 256- and 128-bit vectors. Each bound is that measurement plus ~30%: the float32 arithmetic differs by 1e-6
     * between widths, far inside the margin, while rounding toward zero instead of to nearest
     * (measured: 1.7 to 2.9 times the error) fails every file. A 16-bit file is kept as stored, so
     * it gets the float32 tolerance.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"model-tiny.json, models/tiny-roberta, 2e-2", "model-tiny-bfloat16.json, models/tiny-roberta-bfloat16, 1e-4",
        "model-tiny-float16.json, models/tiny-roberta-float16, 1e-4", "model-tiny-nli.json, '', 2.5e-2",
        "model-distilroberta-shape.json, '', 4.5e-2", "model-tiny-bert.json, models/tiny-bert, 7e-3",
        "model-minilm-shape.json, '', 5.5e-3"})
    void bf16ModeStaysWithinItsBound(String goldenFile, String modelDir, double bound) {
        JsonObject golden = Golden.read(goldenFile);
        ModelConfig config = config(golden, modelDir);
        Encoder model;
        boolean float32File;
        try (WeightSource w = open(golden, modelDir)) {
            model = Encoder.load(config, w, true, DType.BF16);
            float32File = w.info(w.names().iterator().next()).dtype() == DType.F32;
        }
        float[][] logits = run(model, batch(golden)).logits;
        JsonArray pairs = golden.getAsJsonArray("pairs");
        double worst = 0;
        for (int i = 0; i < pairs.size(); i++) {
            double[] want = Golden.doubles(pairs.get(i).getAsJsonObject().getAsJsonArray("logits"));
            for (int l = 0; l < want.length; l++) {
                worst = Math.max(worst, Math.abs(want[l] - logits[i][l]));
            }
        }
        System.out.printf("BF16 mode, %s: max |logit - float64 reference| %.2e over %d pairs (weights %,d bytes)%n",
                goldenFile, worst, pairs.size(), model.weightBytes());
        assertTrue(worst <= bound, goldenFile + ": BF16 mode moved a logit by " + worst + ", bound " + bound);
        if (float32File) {
            // The rounding really happened: a float32 model's logits move by more than float32 noise (1e-5).
            assertTrue(worst > 1e-5, goldenFile + ": BF16 mode changed nothing (" + worst + ")");
        }
    }

    @Test
    void onlyFloat32AndBf16CanBeRequested() {
        JsonObject golden = Golden.read("model-tiny-nli.json");
        try (WeightSource w = Golden.synthetic(golden)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Encoder.load(Golden.config(golden), w, true, DType.F16));
            assertTrue(e.getMessage().contains("F16"), e.getMessage());
        }
    }

    @Test
    void theDefaultReadHalvesNarrowsBackToTheStoredPatterns() {
        for (String dir : new String[] {"models/tiny-roberta-float16", "models/tiny-roberta-bfloat16"}) {
            try (WeightSource file = ModelWeights.open(TestData.file(dir))) {
                WeightSource floatsOnly = new WeightSource() { // only the float interface: readHalves' default
                    public TensorInfo info(String name) {
                        return file.info(name);
                    }

                    public Set<String> names() {
                        return file.names();
                    }

                    public void read(String name, long from, float[] dst, int dstOffset, int count) {
                        file.read(name, from, dst, dstOffset, count);
                    }

                    public String description() {
                        return "floats of " + dir;
                    }

                    public void close() {}
                };
                for (String name : file.names()) {
                    int n = (int) file.info(name).elementCount();
                    short[] direct = new short[n];
                    short[] narrowed = new short[n];
                    file.readHalves(name, 0, direct, 0, n);
                    floatsOnly.readHalves(name, 0, narrowed, 0, n);
                    assertArrayEquals(direct, narrowed, dir + " " + name);
                }
                String some = file.names().iterator().next();
                assertNotEquals(DType.F32, file.info(some).dtype());
            }
        }
    }
}
