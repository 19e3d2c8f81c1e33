package dev.rerank.benchmarks;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The race with both engines in one benchmark, taking turns, each side's time counted apart
 * ({@link Times}): so both meet the same neighbours. {@link RaceBenchmark} and
 * {@link RaceMiniLmBenchmark} time each engine in a trial of its own, minutes apart, which on a
 * shared machine compares one moment's neighbours with another's: on the 2-core EPYC VM the JMH peak
 * read 70, 77 and 83 in three runs against 93 on a quiet core, and one engine's iterations spread
 * 1.84× from best to worst. Here a slow moment slows both sides of the same turn.
 *
 * <p>In a turn each side first runs untimed for {@link #SETTLE_NANOS} (at least one call), then one
 * timed call, so each is timed in its steady state, as the separate races time it, and not in the
 * wake of the other. The wake matters: ONNX Runtime's intra-op threads keep spinning after a call
 * (about 60 ms of CPU in the first 100 ms, measured at 2 threads), and on workload a at 2 threads,
 * single calls alternating, the engine's median was 61.2 ms right after ONNX Runtime against 42.5
 * with ONNX Runtime's spinning turned off. Turning it off slowed ONNX Runtime itself from 35.0 to
 * 42.6 ms in that driver (in another, 33.6 and 32.6 ms: no cost), so both sides keep their defaults
 * and the settling absorbs the spin.
 *
 * <p>Each turn also times {@link PeakFlopsBenchmark}'s FMA loop once (about 3 ms) on the calling
 * thread, so every iteration carries the FMA throughput this core had at that moment beside the
 * two engines' times: when another tenant shares the physical core that peak drops, and the
 * engines' ratio is read together with it.
 *
 * <p>The primary score (a whole turn) means nothing by itself; the results are the counters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 6, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Threads(1) // the turns need one JMH thread: two would run both engines at once
public class AlternatingRaceBenchmark {
    /** Model shape and workload, as in the two separate races. */
    @Param({"distilroberta-a", "distilroberta-b", "distilroberta-c", "minilm-b", "minilm-c"})
    public String race;

    @Param({"1", "2"})
    public int threads;

    /** How long a side runs untimed before its timed call: past ONNX Runtime's spinning, see the class comment. */
    static final long SETTLE_NANOS = 200_000_000;

    private Race both;
    /** The peak loop's seed, a field so the JIT cannot fold the loop into a constant. */
    public float seed = 1.0001f;

    /** Milliseconds spent in each engine and calls made during one iteration, reported by JMH per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public double engineMs;
        public double onnxRuntimeMs;
        /** GFLOP/s of one FMA loop per turn, summed: divided by calls, the iteration's mean peak. */
        public double peakGflops;
        public long calls;

        @Setup(Level.Iteration)
        public void reset() {
            engineMs = 0;
            onnxRuntimeMs = 0;
            peakGflops = 0;
            calls = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        String[] parts = race.split("-");
        both = new Race(SyntheticModel.valueOf(parts[0].toUpperCase(Locale.ROOT)), parts[1], threads);
        for (int i = 0; i < 20; i++) {
            PeakFlopsBenchmark.fmaLoop(seed); // compiled before the first measured turn times it
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        both.close();
    }

    @Benchmark
    public void alternate(Times times, Blackhole sink) throws OrtException {
        times.onnxRuntimeMs += settledCall(false, sink);
        times.engineMs += settledCall(true, sink);
        long start = System.nanoTime();
        sink.consume(PeakFlopsBenchmark.fmaLoop(seed));
        times.peakGflops += PeakFlopsBenchmark.flops() / (System.nanoTime() - start);
        times.calls++;
    }

    /** Untimed calls of one side for at least {@link #SETTLE_NANOS}, then the milliseconds of one more. */
    private double settledCall(boolean engine, Blackhole sink) throws OrtException {
        long start = System.nanoTime();
        do {
            call(engine, sink);
        } while (System.nanoTime() - start < SETTLE_NANOS);
        long timed = System.nanoTime();
        call(engine, sink);
        return (System.nanoTime() - timed) / 1e6;
    }

    /** One call of one side, the call the separate races time. */
    private void call(boolean engine, Blackhole sink) throws OrtException {
        if (engine) {
            sink.consume(both.engineScores());
        } else {
            sink.consume(both.onnxRuntimeLogits());
        }
    }
}
