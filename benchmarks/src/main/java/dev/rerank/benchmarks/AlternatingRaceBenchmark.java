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
 * The primary score (both calls together) means nothing by itself; the results are the counters.
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
        public long calls;

        @Setup(Level.Iteration)
        public void reset() {
            engineMs = 0;
            onnxRuntimeMs = 0;
            calls = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        String[] parts = race.split("-");
        both = new Race(SyntheticModel.valueOf(parts[0].toUpperCase(Locale.ROOT)), parts[1], threads);
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
