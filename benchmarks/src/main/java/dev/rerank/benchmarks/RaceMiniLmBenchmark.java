package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The race on cross-encoder/ms-marco-MiniLM-L-6-v2's shape (BERT: 6 layers, hidden 384, WordPiece
 * tokens with type ids; synthetic weights, salt golden-minilm): b = 32 pairs × 64 tokens and
 * c = 8 pairs × 256 tokens, the throughput workloads. ONNX Runtime runs the export that
 * benchmarks/run.sh writes to benchmarks/target/model-minilm, fed the same ids and type ids.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class RaceMiniLmBenchmark extends RaceBenchmarkBase {
    @Param({"b", "c"})
    public String workload;

    @Override
    protected Race newRace(int threads) throws OrtException, IOException {
        return new Race(SyntheticModel.MINILM, workload, threads);
    }
}
