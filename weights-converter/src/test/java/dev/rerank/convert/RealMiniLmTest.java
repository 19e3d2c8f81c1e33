package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rerank.SentenceEncoder;
import dev.rerank.kernels.Parallel;
import dev.rerank.model.Encoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.RowSelection;
import dev.rerank.model.TokenBatch;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.weights.ModelWeights;
import dev.rerank.weights.WeightSource;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real trained all-MiniLM-L6-v2 (langchain4j's Maven Central artifact, imported from its ONNX
 * file): last hidden states against ONNX Runtime running the same .onnx, and the published STS-B
 * test score (MTEB STSBenchmark cosine Spearman 82.03) reproduced through SentenceEncoder.
 */
class RealMiniLmTest {
    @TempDir
    static Path tmp;
    private static Path dir;

    @BeforeAll
    static void buildModelDirectory() {
        dir = MiniLmArtifact.writeModelDir(tmp.resolve("all-MiniLM-L6-v2"));
    }

    @Test
    void lastHiddenStatesEqualOnnxRuntime() throws Exception {
        List<String> texts = new ArrayList<>(List.of("A man is playing a guitar.", "Ünïcödé, CJK 北京 and emoji 🙂!",
                "The quick brown fox jumps over the lazy dog."));
        List<String[]> stsb = stsb();
        for (int i = 0; i < 20; i++) {
            texts.add(stsb.get(i * 60)[0]);
        }
        texts.add("word ".repeat(300)); // cut to max_seq_length 256
        double worst = 0;
        try (SentenceEncoder model = SentenceEncoder.load(dir);
             OrtEnvironment env = OrtEnvironment.getEnvironment();
             OrtSession session = env.createSession(MiniLmArtifact.resource(MiniLmArtifact.ONNX_RESOURCE),
                     new OrtSession.SessionOptions());
             Parallel parallel = new Parallel(2)) {
            assertEquals(256, model.maxLength());
            ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
            Encoder encoder;
            try (WeightSource w = ModelWeights.open(dir)) {
                encoder = Encoder.load(config, w, false);
            }
            int h = config.hiddenSize();
            for (String text : texts) {
                Encoding e = model.tokenize(text);
                int n = e.length();
                float[] ours = encoder.forward(TokenBatch.of(new int[][] {e.ids()}, new int[][] {e.typeIds()}),
                        RowSelection.EVERY_TOKEN, encoder.newWorkspace(2), parallel, null);
                long[] ids = Arrays.stream(e.ids()).asLongStream().toArray();
                long[] types = Arrays.stream(e.typeIds()).asLongStream().toArray();
                long[] mask = new long[n];
                Arrays.fill(mask, 1);
                long[] shape = {1, n};
                try (OnnxTensor idT = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                     OnnxTensor typeT = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
                     OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                     OrtSession.Result r = session.run(inputs(session, idT, maskT, typeT))) {
                    float[][] theirs = ((float[][][]) r.get(0).getValue())[0];
                    for (int t = 0; t < n; t++) {
                        for (int i = 0; i < h; i++) {
                            worst = Math.max(worst, Math.abs(theirs[t][i] - ours[t * h + i]));
                        }
                    }
                }
            }
        }
        System.out.printf("all-MiniLM-L6-v2: last hidden states of %d texts vs ONNX Runtime: max |diff| %.2e%n",
                texts.size(), worst);
        assertTrue(worst <= 1e-4, "last hidden state differs from ONNX Runtime by " + worst);
    }

    private static Map<String, OnnxTensor> inputs(OrtSession session, OnnxTensor ids, OnnxTensor mask, OnnxTensor types) {
        return session.getInputNames().contains("token_type_ids")
                ? Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types)
                : Map.of("input_ids", ids, "attention_mask", mask);
    }

    @Test
    void stsbTestSpearmanIsThePublishedScore() throws IOException {
        List<String[]> pairs = stsb();
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        double[] gold = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            first.add(pairs.get(i)[0]);
            second.add(pairs.get(i)[1]);
            gold[i] = Double.parseDouble(pairs.get(i)[2]);
        }
        double[] cosine = new double[pairs.size()];
        try (SentenceEncoder model = SentenceEncoder.load(dir)) {
            float[][] a = model.encode(first);
            float[][] b = model.encode(second);
            for (int i = 0; i < cosine.length; i++) {
                cosine[i] = SentenceEncoder.similarity(a[i], b[i]);
            }
        }
        double spearman = spearman(cosine, gold);
        System.out.printf("all-MiniLM-L6-v2 STS-B test (%d pairs): cosine Spearman %.5f (published 0.8203)%n",
                pairs.size(), spearman);
        assertEquals(0.8203, spearman, 0.0005);
    }

    /** STS-B test: {sentence1, sentence2, score}; TAB-split only (quotes are part of the sentences). */
    private static List<String[]> stsb() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.file("stsb/sts-test.csv"), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t", -1);
            if (f.length >= 7) {
                out.add(new String[] {f[5], f[6], f[4]});
            }
        }
        return out;
    }

    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
