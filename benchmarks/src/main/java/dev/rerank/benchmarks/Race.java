package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One workload of the race, set up for both engines: this engine and ONNX Runtime on the same
 * model (distilroberta shape, synthetic weights, salt golden-768), the same token ids and thread
 * count. Setting up checks that both score the workload alike (1e-4) and fails the run otherwise.
 */
final class Race implements AutoCloseable {
    final CrossEncoder engine;
    final OnnxRuntimeEngine ort;
    final List<Pair> pairs;
    final List<int[]> ids = new ArrayList<>();

    Race(String workload, int threads) throws OrtException, IOException {
        engine = SyntheticModel.crossEncoder(threads, 32);
        ort = new OnnxRuntimeEngine(onnxFile(), threads);
        pairs = switch (workload) {
            case "a" -> Workloads.pairs(engine.tokenizer(), 1, 32);
            case "b" -> Workloads.pairs(engine.tokenizer(), 32, 64);
            case "c" -> Workloads.pairs(engine.tokenizer(), 8, 256);
            case "d" -> stsbPairs();
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        };
        for (Pair p : pairs) {
            ids.add(engine.encode(p).ids());
        }
        float[][] ours = engine.predict(pairs, CrossEncoder.Output.LOGITS);
        float[][] theirs = ort.logits(ids, 32, false);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            for (int l = 0; l < ours[i].length; l++) {
                worst = Math.max(worst, Math.abs(ours[i][l] - theirs[i][l]));
            }
        }
        System.out.printf("%nagreement on workload %s: max |logit difference| %.2e over %d pairs%n", workload, worst, ours.length);
        if (!(worst <= 1e-4)) {
            close();
            throw new IllegalStateException("the engines disagree on workload " + workload + ": max |logit difference| "
                    + worst + " > 1e-4");
        }
    }

    static Path onnxFile() {
        return Path.of(System.getProperty("rerank.onnx", "benchmarks/target/model/model.onnx"));
    }

    /** All STS-B test pairs, in file order. */
    static List<Pair> stsbPairs() throws IOException {
        List<Pair> out = new ArrayList<>();
        for (String line : Files.readAllLines(SyntheticModel.testdata().resolve("stsb/sts-test.csv"))) {
            String[] f = line.split("\t", -1);
            if (f.length >= 7) {
                out.add(new Pair(f[5], f[6]));
            }
        }
        return out;
    }

    @Override
    public void close() {
        engine.close();
        try {
            ort.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
