package dev.rerank.benchmarks;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.weights.DType;
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
 * The opt-in BF16 weights against float32 ones on the race's workload a (1 pair × 32 tokens,
 * distilroberta shape, synthetic float32 weights rounded to bfloat16 at load for BF16): a small
 * batch, where each weight serves few FMAs and the bytes streamed from memory count most.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class PrecisionBenchmark {
    @Param({"1", "2"})
    public int threads;

    @Param({"F32", "BF16"})
    public String weights;

    private CrossEncoder encoder;
    private List<Pair> pairs;

    @Setup(Level.Trial)
    public void setUp() {
        encoder = SyntheticModel.DISTILROBERTA.crossEncoder(threads, 32, DType.valueOf(weights));
        pairs = Workloads.pairs(encoder.tokenizer(), 1, 32);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoder.close();
    }

    @Benchmark
    public float[] workloadA() {
        return encoder.predict(pairs);
    }
}
