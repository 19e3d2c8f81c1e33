package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.Truncation;
import java.io.IOException;
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
 * Workload d for ONNX Runtime with the fairness variant: the STS-B pairs sorted by length before
 * batching, so its padding waste is as small as batching by 32 allows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class RaceSortedBenchmark {
    @Param({"1", "2"})
    public int threads;

    private OnnxRuntimeEngine ort;
    private List<int[]> ids;

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        ort = new OnnxRuntimeEngine(RaceBenchmark.onnxFile(), threads);
        Tokenizer tokenizer = SyntheticModel.tokenizer();
        ids = new ArrayList<>();
        for (Pair p : RaceBenchmark.stsbPairs()) {
            ids.add(tokenizer.encodePair(p.a(), p.b(), 512, Truncation.LONGEST_FIRST).ids());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        ort.close();
    }

    @Benchmark
    public float[][] onnxRuntimeSortedD() throws OrtException {
        return ort.logits(ids, 32, true);
    }
}
