package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The race: this engine and ONNX Runtime on the same model (distilroberta shape, synthetic
 * weights, salt golden-768), the same inputs and thread count, in the same run.
 * Workloads: a = 1 pair × 32 tokens, b = 32 × 64, c = 8 × 256, d = all 1,379 STS-B test pairs.
 * Before timing, both engines score the workload and must agree to 1e-4, or the run fails.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class RaceBenchmark {
    @Param({"a", "b", "c", "d"})
    public String workload;

    @Param({"1", "2"})
    public int threads;

    CrossEncoder engine;
    OnnxRuntimeEngine ort;
    List<Pair> pairs;
    List<int[]> ids;

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        engine = SyntheticModel.crossEncoder(threads, 32);
        ort = new OnnxRuntimeEngine(onnxFile(), threads);
        pairs = switch (workload) {
            case "a" -> Workloads.pairs(engine.tokenizer(), 1, 32);
            case "b" -> Workloads.pairs(engine.tokenizer(), 32, 64);
            case "c" -> Workloads.pairs(engine.tokenizer(), 8, 256);
            case "d" -> stsbPairs();
            default -> throw new IllegalArgumentException(workload);
        };
        ids = new ArrayList<>();
        for (Pair p : pairs) {
            ids.add(engine.encode(p));
        }
        checkAgreement();
    }

    static Path onnxFile() {
        return Path.of(System.getProperty("rerank.onnx", "benchmarks/target/model/model.onnx"));
    }

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

    /** Both engines score the same inputs; a disagreement stops the run. */
    private void checkAgreement() throws OrtException {
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
            throw new IllegalStateException("the engines disagree on workload " + workload + ": max |logit difference| "
                    + worst + " > 1e-4");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        engine.close();
        ort.close();
    }

    @Benchmark
    public float[] engine() {
        return engine.predict(pairs);
    }

    /** What ONNX Runtime users do: batches of 32 in input order, padded to the longest. */
    @Benchmark
    public float[][] onnxRuntime() throws OrtException {
        return ort.logits(ids, 32, false);
    }
}
