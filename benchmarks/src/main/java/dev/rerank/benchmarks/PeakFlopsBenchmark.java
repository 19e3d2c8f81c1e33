package dev.rerank.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * The yardstick: this core's fp32 FMA peak as Java reaches it — 16 independent FMA chains on
 * registers, no memory traffic. GFLOP/s = 2 · lanes · 16 · ITERATIONS / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakFlopsBenchmark {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** FMAs per benchmark call: 16 chains × ITERATIONS, each on S.length() lanes. */
    public static final int ITERATIONS = 1_000_000;

    public float seed = 1.0001f;

    @org.openjdk.jmh.annotations.Setup
    public void announce() {
        System.out.println("\nvector lanes: " + S.length());
    }

    /** Floating-point operations one call performs. */
    public static double flops() {
        return 2.0 * S.length() * 16 * ITERATIONS;
    }

    @Benchmark
    public float fmaPeak() {
        return fmaLoop(seed);
    }

    /** The measured loop: {@link #flops()} floating-point operations; returns a lane so none is dead code. */
    static float fmaLoop(float seed) {
        FloatVector m = FloatVector.broadcast(S, 0.9999f);
        FloatVector a = FloatVector.broadcast(S, seed);
        FloatVector c0 = a, c1 = a.add(1), c2 = a.add(2), c3 = a.add(3), c4 = a.add(4), c5 = a.add(5);
        FloatVector c6 = a.add(6), c7 = a.add(7), c8 = a.add(8), c9 = a.add(9), c10 = a.add(10), c11 = a.add(11);
        FloatVector c12 = a.add(12), c13 = a.add(13), c14 = a.add(14), c15 = a.add(15);
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
            c12 = c12.fma(m, a);
            c13 = c13.fma(m, a);
            c14 = c14.fma(m, a);
            c15 = c15.fma(m, a);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return s.lane(0);
    }
}
