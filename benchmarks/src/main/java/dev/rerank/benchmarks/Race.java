package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.tokenizer.Encoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One workload of the race, set up for both engines: this engine and ONNX Runtime on the same
 * synthetic model, the same tokens and thread count. Setting up checks that both score the
 * workload alike (1e-4) and fails the run otherwise.
 */
final class Race implements AutoCloseable {
    final CrossEncoder engine;
    final OnnxRuntimeEngine ort;
    final List<Pair> pairs;
    /** The pairs as the model sees them (ids and type ids), fed to ONNX Runtime as they are. */
    final List<Encoding> inputs = new ArrayList<>();

    Race(SyntheticModel model, String workload, int threads) throws OrtException, IOException {
        engine = model.crossEncoder(threads, 32);
        ort = new OnnxRuntimeEngine(model.onnxFile(), threads, engine.config().padTokenId());
        pairs = switch (workload) {
            case "a" -> Workloads.pairs(engine.tokenizer(), 1, 32);
            case "b" -> Workloads.pairs(engine.tokenizer(), 32, 64);
            case "c" -> Workloads.pairs(engine.tokenizer(), 8, 256);
            case "d" -> Stsb.pairs();
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        };
        for (Pair p : pairs) {
            inputs.add(engine.encode(p));
        }
        float[][] ours = engine.predict(pairs, CrossEncoder.Output.LOGITS);
        float[][] theirs = ort.logits(inputs, 32, false);
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            for (int l = 0; l < ours[i].length; l++) {
                worst = Math.max(worst, Math.abs(ours[i][l] - theirs[i][l]));
            }
        }
        String name = model.name().toLowerCase(java.util.Locale.ROOT) + " workload " + workload;
        System.out.printf("%nagreement on %s: max |logit difference| %.2e over %d pairs%n", name, worst, ours.length);
        if (!(worst <= 1e-4)) {
            close();
            throw new IllegalStateException("the engines disagree on " + name + ": max |logit difference| " + worst + " > 1e-4");
        }
    }

    /** One timed call of this engine: the pairs' scores, tokenizing included. */
    float[] engineScores() {
        return engine.predict(pairs);
    }

    /** One timed call of ONNX Runtime, as its users make it: batches of 32 in input order, padded to the longest. */
    float[][] onnxRuntimeLogits() throws OrtException {
        return ort.logits(inputs, 32, false);
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
