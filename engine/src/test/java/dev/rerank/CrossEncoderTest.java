package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.CrossEncoder.Ranked;
import dev.rerank.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public API against sentence-transformers' CrossEncoder on the tiny model (cross-encoder-tiny.json). */
class CrossEncoderTest {
    private static CrossEncoder model;
    private static JsonObject golden;

    @BeforeAll
    static void load() {
        model = CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(2).batchSize(3).build();
        golden = Golden.read("cross-encoder-tiny.json");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<Pair> pairs(JsonArray json) {
        List<Pair> pairs = new ArrayList<>();
        for (JsonElement e : json) {
            pairs.add(new Pair(e.getAsJsonArray().get(0).getAsString(), e.getAsJsonArray().get(1).getAsString()));
        }
        return pairs;
    }

    @Test
    void predictMatchesSentenceTransformers() {
        JsonObject predict = golden.getAsJsonObject("predict");
        float[] scores = model.predict(pairs(predict.getAsJsonArray("pairs")));
        double[] want = Golden.doubles(predict.getAsJsonArray("scores"));
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - scores[i]));
        }
        System.out.printf("cross-encoder-tiny.json predict: max |score diff| %.2e%n", worst);
        assertTrue(worst <= 1e-4, "score differs by " + worst);
    }

    @Test
    void rankMatchesSentenceTransformers() {
        JsonObject rank = golden.getAsJsonObject("rank");
        List<String> docs = new ArrayList<>();
        rank.getAsJsonArray("documents").forEach(d -> docs.add(d.getAsString()));
        List<Ranked> ranked = model.rank(rank.get("query").getAsString(), docs, 0);
        JsonArray want = rank.getAsJsonArray("result");
        assertEquals(want.size(), ranked.size());
        double worst = 0;
        for (int i = 0; i < want.size(); i++) {
            JsonObject w = want.get(i).getAsJsonObject();
            assertEquals(w.get("corpus_id").getAsInt(), ranked.get(i).corpusId(), "rank order at " + i);
            assertEquals(docs.get(ranked.get(i).corpusId()), ranked.get(i).text());
            worst = Math.max(worst, Math.abs(w.get("score").getAsDouble() - ranked.get(i).score()));
        }
        System.out.printf("cross-encoder-tiny.json rank: order equal, max |score diff| %.2e%n", worst);
        assertTrue(worst <= 1e-4);
        assertEquals(2, model.rank(rank.get("query").getAsString(), docs, 2).size());
    }

    @Test
    void resultsDoNotDependOnBatchCompositionOrOrder() {
        List<Pair> pairs = pairs(golden.getAsJsonObject("predict").getAsJsonArray("pairs"));
        float[] together = model.predict(pairs);
        for (int i = 0; i < pairs.size(); i++) {
            float[] alone = model.predict(List.of(pairs.get(i)));
            assertEquals(together[i], alone[0], 0.0, "pair " + i + " alone vs in a batch");
        }
        assertEquals(0, model.predict(List.of()).length);
    }

    @Test
    void eightConcurrentCallersGetBitIdenticalResults() throws Exception {
        List<Pair> pairs = new ArrayList<>();
        JsonArray stsb = Golden.read("tokenizer-golden.json").getAsJsonArray("stsb_test_pairs");
        for (int i = 0; i < 120; i++) {
            JsonObject p = stsb.get(i).getAsJsonObject();
            pairs.add(new Pair(p.get("a").getAsString(), p.get("b").getAsString()));
        }
        float[] expected = model.predict(pairs);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<float[]>> calls = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                List<Pair> shuffled = new ArrayList<>(pairs);
                java.util.Collections.rotate(shuffled, t * 7);
                int shift = t * 7;
                calls.add(() -> {
                    float[] got = model.predict(shuffled);
                    float[] back = new float[got.length];
                    for (int i = 0; i < got.length; i++) {
                        back[(i - shift % got.length + got.length) % got.length] = got[i];
                    }
                    return back;
                });
            }
            for (Future<float[]> f : pool.invokeAll(calls)) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void threeLabelModelGivesProbabilities() {
        JsonObject nli = Golden.read("model-tiny-nli.json");
        try (CrossEncoder m = CrossEncoder.builder(Golden.config(nli), Golden.synthetic(nli),
                Tokenizer.load(TestData.file("roberta-base-tokenizer"))).threads(1).build()) {
            JsonObject p = nli.getAsJsonArray("pairs").get(0).getAsJsonObject();
            float[][] probs = m.predict(List.of(new Pair(p.get("a").getAsString(), p.get("b").getAsString())),
                    CrossEncoder.Output.PROBABILITIES);
            double[] want = Golden.doubles(p.getAsJsonArray("probabilities"));
            for (int l = 0; l < 3; l++) {
                assertEquals(want[l], probs[0][l], 1e-5);
            }
            assertEquals(List.of("contradiction", "entailment", "neutral"), m.config().labels());
            assertThrows(IllegalStateException.class, () -> m.predict(List.of(new Pair("a", "b"))));
        }
    }

    @Test
    void longPairsAreTruncatedToTheMaxLength() {
        String longText = "word ".repeat(2000);
        float[] s = model.predict(List.of(new Pair(longText, longText)));
        assertEquals(1, s.length);
        assertEquals(512, model.encode(new Pair(longText, longText)).length());
        try (CrossEncoder shorter = CrossEncoder.builder(TestData.file("models/tiny-roberta")).maxLength(16).threads(1).build()) {
            assertEquals(16, shorter.encode(new Pair(longText, longText)).length());
        }
    }

    @Test
    void closedModelRefusesWork() {
        CrossEncoder m = CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(1).build();
        m.close();
        assertThrows(IllegalStateException.class, () -> m.predict(List.of(new Pair("a", "b"))));
    }
}
