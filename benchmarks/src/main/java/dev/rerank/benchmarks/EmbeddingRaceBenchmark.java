package dev.rerank.benchmarks;

import dev.langchain4j.data.embedding.Embedding;
import java.io.IOException;
import java.util.List;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Embeddings of all 2,758 STS-B test sentences per operation, all-MiniLM-L6-v2 (real weights):
 * this engine's SentenceEncoder against langchain4j's AllMiniLmL6V2EmbeddingModel, at 1 and 2
 * threads (see {@link EmbeddingRace} for what a thread means on each side). One operation takes
 * seconds, so a few iterations of one operation each. After every iteration it prints how many
 * cores the process kept busy (CPU time / wall time), which results.py reports.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class EmbeddingRaceBenchmark {
    @Param({"1", "2"})
    public int threads;

    private EmbeddingRace race;
    private long cpuStart;
    private long wallStart;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        race = new EmbeddingRace(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        race.close();
    }

    @Setup(Level.Iteration)
    public void startClock() {
        cpuStart = EmbeddingRace.processCpuNanos();
        wallStart = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void stopClock(BenchmarkParams params) {
        double cores = (double) (EmbeddingRace.processCpuNanos() - cpuStart) / (System.nanoTime() - wallStart);
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        System.out.printf("(cores busy: %.2f in %s, %d threads) ", cores, method, threads);
    }

    @Benchmark
    public float[][] engine() {
        return race.engine.encode(race.sentences);
    }

    /** What a langchain4j user writes: embedAll on the text segments. */
    @Benchmark
    public List<Embedding> langchain4j() {
        return race.langchain4j.embedAll(race.segments).content();
    }
}
