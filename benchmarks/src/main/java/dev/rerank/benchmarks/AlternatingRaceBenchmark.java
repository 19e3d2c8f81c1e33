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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The race with both engines in one benchmark, taking turns call by call, each side's time counted
 * apart ({@link Times}): so both meet the same neighbours. {@link RaceBenchmark} and
 * {@link RaceMiniLmBenchmark} time each engine in a trial of its own, minutes apart, which on a
 * shared machine compares one moment's neighbours with another's: on the 2-core EPYC VM the JMH peak
 * read 77 in one run and 83 in the next against 93 on a quiet core, and one engine's iterations
 * spread 1.84× from best to worst. Here a slow moment slows both sides of the same iteration, and
 * the ratio per iteration says how much of a lead survives it. The order alternates (engine first
 * on even calls, ONNX Runtime first on odd ones), so neither always finds the other's data in cache.
 *
 * <p>ONNX Runtime runs here with {@code session.intra_op.allow_spinning} = 0: by default its
 * threads spin for tens of milliseconds after each call (about 60 ms of CPU in the first 100 ms,
 * measured at 2 threads), so whatever runs next shares a core with them. Taking turns with the
 * default, workload a at 2 threads measured the engine at 49.1 ms against 39.5 ms with ONNX Runtime
 * not spinning (ONNX Runtime itself 36.3 and 39.0 ms), a handicap no deployment of the engine has.
 *
 * <p>Each turn also times {@link PeakFlopsBenchmark}'s FMA loop once (about 3 ms) on the calling
 * thread, so every iteration carries the FMA throughput this core had at that moment beside the
 * two engines' times: when another tenant shares the physical core, that peak drops (70–98 GFLOP/s
 * from one second to the next, 93 when quiet), and a kernel bound by FMA throughput slows more
 * than one that waits on memory, so the ratio is read together with it.
 *
 * <p>The primary score (all of a turn together) means nothing by itself; the results are the counters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 6, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class AlternatingRaceBenchmark {
    /** Model shape and workload, as in the two separate races. */
    @Param({"distilroberta-a", "distilroberta-b", "distilroberta-c", "minilm-b", "minilm-c"})
    public String race;

    @Param({"1", "2"})
    public int threads;

    private Race both;
    private long calls;

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
        both = new Race(SyntheticModel.valueOf(parts[0].toUpperCase(Locale.ROOT)), parts[1], threads, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        both.close();
    }

    @Benchmark
    public void alternate(Times times, Blackhole sink) throws OrtException {
        if (calls++ % 2 == 0) {
            times.engineMs += engine(sink);
            times.onnxRuntimeMs += onnxRuntime(sink);
        } else {
            times.onnxRuntimeMs += onnxRuntime(sink);
            times.engineMs += engine(sink);
        }
        long start = System.nanoTime();
        sink.consume(PeakFlopsBenchmark.fmaLoop(1.0001f));
        times.peakGflops += PeakFlopsBenchmark.flops() / (System.nanoTime() - start);
        times.calls++;
    }

    /** One call of the engine, as {@link RaceBenchmarkBase#engine} makes it; returns its milliseconds. */
    private double engine(Blackhole sink) {
        long start = System.nanoTime();
        sink.consume(both.engine.predict(both.pairs));
        return (System.nanoTime() - start) / 1e6;
    }

    /** One call of ONNX Runtime, as {@link RaceBenchmarkBase#onnxRuntime} makes it; returns its milliseconds. */
    private double onnxRuntime(Blackhole sink) throws OrtException {
        long start = System.nanoTime();
        sink.consume(both.ort.logits(both.inputs, 32, false));
        return (System.nanoTime() - start) / 1e6;
    }
}
