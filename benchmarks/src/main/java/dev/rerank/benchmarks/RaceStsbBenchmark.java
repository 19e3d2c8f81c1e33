package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload d: all 1,379 STS-B test pairs with their real lengths. One operation takes 15–45 s on
 * two cores, so it is timed over one warm-up and one measured operation, to keep the whole race
 * under 20 minutes. ONNX Runtime gets what its users do — batches
 * of 32 in input order, padded to the longest — and, for fairness, batches sorted by length.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 1, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class RaceStsbBenchmark extends RaceBenchmarkBase {
    @Override
    protected Race newRace(int threads) throws OrtException, IOException {
        return new Race(SyntheticModel.DISTILROBERTA, "d", threads);
    }

    /** The same ONNX Runtime batches, but sorted by length first: less padding. */
    @Benchmark
    public float[][] onnxRuntimeSorted() throws OrtException {
        return race.ort.logits(race.inputs, 32, true);
    }
}
