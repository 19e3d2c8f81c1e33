package dev.rerank.benchmarks;

import dev.rerank.kernels.HalfFloats;
import dev.rerank.kernels.MatMul;
import dev.rerank.kernels.PackedMatrix;
import dev.rerank.kernels.Parallel;
import dev.rerank.weights.DType;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
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
 * The matmul kernel at every Linear shape of the two model sizes raced (distilroberta: fused QKV
 * 768→2304, attention output 768→768, FFN 768→3072 and 3072→768; MiniLM-L6: 384→1152, 384→384,
 * 384→1536, 1536→384), one thread. GFLOP/s = 2·rows·in·out / time; the JSON
 * report carries the time, and the results script turns it into GFLOP/s. {@code format} is how the
 * weights are held: F32, or F16 / BF16 kept 16-bit and widened in the kernel (run with
 * {@code -p format=F32,F16,BF16} to compare; the default runs float32 only).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// Five 2-second iterations: on a shared 2-core VM one 1-second iteration can lose half its time
// to a neighbour, and the mean of three then says more about the neighbour than the kernel.
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatMulBenchmark {
    @Param({"64", "256"})
    public int rows;

    @Param({"768x2304", "768x768", "768x3072", "3072x768", "384x1152", "384x384", "384x1536", "1536x384"})
    public String shape;

    @Param({"1"})
    public int threads;

    @Param({"F32"})
    public String format;

    private float[] a;
    private float[] c;
    private float[] scratch;
    private PackedMatrix w;
    private Parallel parallel;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = shape.split("x");
        int in = Integer.parseInt(s[0]);
        int out = Integer.parseInt(s[1]);
        SplittableRandom r = new SplittableRandom(1);
        a = new float[rows * in];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        float[] weights = new float[out * in];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) r.nextDouble(-0.1, 0.1);
        }
        DType dtype = DType.valueOf(format);
        w = dtype == DType.F32 ? PackedMatrix.pack(weights, out, in, new float[out])
                : PackedMatrix.pack(dtype, out, in, (row, dst) -> {
                    for (int k = 0; k < in; k++) {
                        float v = weights[row * in + k];
                        dst[k] = dtype == DType.F16 ? Float.floatToFloat16(v) : HalfFloats.toBfloat16(v);
                    }
                }, new float[out], Arena.ofAuto());
        c = new float[rows * out];
        scratch = new float[MatMul.scratchSize(rows, in)];
        parallel = new Parallel(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public float[] multiply() {
        MatMul.multiply(a, rows, w, c, scratch, parallel);
        return c;
    }
}
