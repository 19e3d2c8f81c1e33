package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the race benchmarks share: both engines on one workload at 1 and 2 threads, set up once
 * per trial from the subclass's model and workload (the subclass also sets the iteration counts
 * that suit its workload's length).
 */
@State(Scope.Benchmark)
public abstract class RaceBenchmarkBase {
    @Param({"1", "2"})
    public int threads;

    protected Race race;

    /** The race of this benchmark's model and workload at {@code threads} threads. */
    protected abstract Race newRace(int threads) throws OrtException, IOException;

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        race = newRace(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        race.close();
    }

    @Benchmark
    public float[] engine() {
        return race.engineScores();
    }

    @Benchmark
    public float[][] onnxRuntime() throws OrtException {
        return race.onnxRuntimeLogits();
    }
}
