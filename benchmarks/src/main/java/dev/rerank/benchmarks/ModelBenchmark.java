package dev.rerank.benchmarks;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
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
 * Whole-model workloads on the distilroberta-shaped synthetic model: a = 1 pair × 32 tokens,
 * b = 32 pairs × 64 tokens, c = 8 pairs × 256 tokens (token counts include the special tokens).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ModelBenchmark {
    @Param({"a", "b", "c"})
    public String workload;

    @Param({"1", "2"})
    public int threads;

    private CrossEncoder model;
    private List<Pair> pairs;

    @Setup(Level.Trial)
    public void setUp() {
        model = SyntheticModel.crossEncoder(threads, 32);
        pairs = switch (workload) {
            case "a" -> Workloads.pairs(model.tokenizer(), 1, 32);
            case "b" -> Workloads.pairs(model.tokenizer(), 32, 64);
            case "c" -> Workloads.pairs(model.tokenizer(), 8, 256);
            default -> throw new IllegalArgumentException(workload);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public float[] predict() {
        return model.predict(pairs);
    }
}
