package dev.rerank.benchmarks;

import dev.rerank.kernels.Attention;
import dev.rerank.kernels.Gelu;
import dev.rerank.kernels.LayerNorm;
import dev.rerank.kernels.Softmax;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The other kernels at model shapes (hidden 768, 12 heads of 64, ffn 3072), one thread:
 * attention for one head (4·n²·64 flops), LayerNorm over n × 768, softmax over rows of n,
 * GELU over n × 3072.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    private static final int HIDDEN = 768;
    private static final int HEAD = 64;

    @Param({"64", "256"})
    public int tokens;

    private static final Attention.Layout LAYOUT = new Attention.Layout(HIDDEN / HEAD, HIDDEN / HEAD, HEAD);
    private float[] qkv;
    private float[] context;
    private float[] scratch;
    private float[] hidden;
    private float[] residual;
    private float[] gamma;
    private float[] beta;
    private float[] scores;
    private float[] ffn;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(3);
        qkv = random(r, tokens * 3 * HIDDEN);
        context = new float[tokens * HIDDEN];
        scratch = new float[Attention.scratchSize(tokens, HEAD)];
        hidden = random(r, tokens * HIDDEN);
        residual = random(r, tokens * HIDDEN);
        gamma = random(r, HIDDEN);
        beta = random(r, HIDDEN);
        scores = random(r, tokens * tokens);
        ffn = random(r, tokens * 3072);
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-2, 2);
        }
        return x;
    }

    @Benchmark
    public float[] attentionOneHead() {
        Attention.head(qkv, LAYOUT, 0, Attention.Span.whole(0, tokens), Attention.Mask.NONE, null, context, scratch);
        return context;
    }

    @Benchmark
    public float[] layerNorm() {
        LayerNorm.addAndApply(hidden, residual, tokens, HIDDEN, gamma, beta, 1e-5f);
        return hidden;
    }

    @Benchmark
    public float[] softmaxRows() {
        for (int i = 0; i < tokens; i++) {
            Softmax.apply(scores, i * tokens, tokens);
        }
        return scores;
    }

    @Benchmark
    public float[] gelu() {
        Gelu.apply(ffn, 0, ffn.length);
        return ffn;
    }
}
