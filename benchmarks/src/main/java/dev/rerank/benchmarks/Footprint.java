package dev.rerank.benchmarks;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Resident memory of one engine after loading its model, in a fresh JVM. Prints one line:
 * {@code engine rss_mb weights_mb growth_mb live_heap_mb}, the last the Java heap in use after
 * the collections (live objects: this engine's weights are there; ONNX Runtime's are native).
 * <ul>
 *   <li>{@code Footprint engine|onnxruntime MODEL_DIR [f32|bf16]}: the cross-encoder race's model, after
 *       loading (the last: the engine's weights dtype; default as stored).
 *   <li>{@code Footprint sentence-encoder|langchain4j}: all-MiniLM-L6-v2 (see {@link EmbeddingRace}),
 *       after loading and embedding one sentence — langchain4j loads its model in a static
 *       initializer and both sides set up their buffers on first use, so this is where both are ready.
 * </ul>
 */
public final class Footprint {
    private Footprint() {}

    public static void main(String[] args) throws Exception {
        String which = args[0];
        long before = rssKb();
        AutoCloseable loaded;
        long weightBytes;
        switch (which) {
            case "engine" -> {
                Path dir = Path.of(args[1]);
                CrossEncoder.Builder b = CrossEncoder.builder(dir).threads(2);
                if (args.length > 2) {
                    b.weightsDtype(DType.valueOf(args[2].toUpperCase(Locale.ROOT)));
                }
                loaded = b.build();
                weightBytes = Files.size(dir.resolve("model.safetensors"));
            }
            case "onnxruntime" -> {
                Path dir = Path.of(args[1]);
                loaded = new OnnxRuntimeEngine(dir.resolve("model.onnx"), 2, padId(dir));
                weightBytes = Files.size(dir.resolve("model.onnx"));
            }
            case "sentence-encoder" -> {
                Path dir = EmbeddingRace.configuredDir();
                if (!Files.isDirectory(dir)) {
                    // Writing it here would leave the ONNX import's garbage in this JVM's resident set.
                    throw new IllegalStateException(dir + " is missing: run the embedding race or benchmarks/run.sh first");
                }
                SentenceEncoder model = SentenceEncoder.builder(dir).threads(2).build();
                model.encode("A man is playing a guitar.");
                loaded = model;
                weightBytes = Files.size(dir.resolve("model.safetensors"));
            }
            case "langchain4j" -> {
                AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
                model.embed("A man is playing a guitar.");
                loaded = () -> { };
                URL onnx = AllMiniLmL6V2EmbeddingModel.class.getClassLoader().getResource("all-minilm-l6-v2.onnx");
                weightBytes = onnx.openConnection().getContentLengthLong();
            }
            default -> throw new IllegalArgumentException("unknown engine " + which
                    + " (engine, onnxruntime, sentence-encoder, langchain4j)");
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Thread.sleep(500);
        long after = rssKb();
        System.out.printf("%s %.1f %.1f %.1f %.1f%n", which, after / 1024.0, weightBytes / 1048576.0, (after - before) / 1024.0,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0);
        loaded.close();
        // langchain4j's default executor keeps non-daemon threads alive for a while.
        System.exit(0);
    }

    private static int padId(Path dir) {
        return dev.rerank.model.ModelConfig.load(dir.resolve("config.json")).padTokenId();
    }

    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
