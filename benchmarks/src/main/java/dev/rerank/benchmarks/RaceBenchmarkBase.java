package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the race benchmarks share: both engines on one workload, set up once per trial by the
 * subclass (which also sets the iteration counts that suit its workload's length).
 */
@State(Scope.Benchmark)
public abstract class RaceBenchmarkBase {
    protected Race race;

    @TearDown(Level.Trial)
    public void tearDown() {
        race.close();
    }

    @Benchmark
    public float[] engine() {
        return race.engine.predict(race.pairs);
    }

    /** What ONNX Runtime users do: batches of 32 in input order, padded to the longest. */
    @Benchmark
    public float[][] onnxRuntime() throws OrtException {
        return race.ort.logits(race.ids, 32, false);
    }
}
