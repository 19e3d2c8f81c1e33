package dev.rerank.benchmarks;

import dev.rerank.CrossEncoder;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Resident memory of one engine after loading the model, in a fresh JVM:
 * {@code Footprint engine|onnxruntime MODEL_DIR [f32|bf16]} (the last: the engine's weights dtype;
 * default as stored). Prints one line: {@code engine rss_mb weights_mb rss_growth_mb}.
 */
public final class Footprint {
    private Footprint() {}

    public static void main(String[] args) throws Exception {
        String which = args[0];
        Path dir = Path.of(args[1]);
        long before = rssKb();
        AutoCloseable loaded;
        long weightBytes;
        if (which.equals("engine")) {
            CrossEncoder.Builder b = CrossEncoder.builder(dir).threads(2);
            if (args.length > 2) {
                b.weightsDtype(DType.valueOf(args[2].toUpperCase(Locale.ROOT)));
            }
            loaded = b.build();
            weightBytes = Files.size(dir.resolve("model.safetensors"));
        } else {
            loaded = new OnnxRuntimeEngine(dir.resolve("model.onnx"), 2);
            weightBytes = Files.size(dir.resolve("model.onnx"));
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Thread.sleep(500);
        long after = rssKb();
        System.out.printf("%s %.1f %.1f %.1f%n", which, after / 1024.0, weightBytes / 1048576.0, (after - before) / 1024.0);
        loaded.close();
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
