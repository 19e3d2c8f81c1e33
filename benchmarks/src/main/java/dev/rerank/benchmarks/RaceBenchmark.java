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
 * The race on fixed-size workloads, distilroberta shape: a = 1 pair × 32 tokens (latency),
 * b = 32 pairs × 64 tokens, c = 8 pairs × 256 tokens (throughput). Workload d (STS-B) is
 * {@link RaceStsbBenchmark}; the BERT shape is {@link RaceMiniLmBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class RaceBenchmark extends RaceBenchmarkBase {
    @Param({"a", "b", "c"})
    public String workload;

    @Override
    protected Race newRace(int threads) throws OrtException, IOException {
        return new Race(SyntheticModel.DISTILROBERTA, workload, threads);
    }
}
