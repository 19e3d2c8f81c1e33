package dev.rerank.benchmarks;

import dev.rerank.tokenizer.Tokenizer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Load time and retained heap of the tokenizer: loads the roberta-base tokenizer.json in a fresh
 * JVM and prints the wall time of the first load and the heap it keeps after a full GC.
 * Run: java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.rerank.benchmarks.TokenizerFootprint
 */
public final class TokenizerFootprint {
    private TokenizerFootprint() {}

    public static void main(String[] args) {
        Path json = SyntheticModel.testdata().resolve(args.length > 0 ? args[0] : "roberta-base-tokenizer/tokenizer.json");
        long before = usedAfterGc();
        long start = System.nanoTime();
        Tokenizer tokenizer = Tokenizer.load(json);
        long elapsed = System.nanoTime() - start;
        long after = usedAfterGc();
        System.out.printf("first load of %s: %.0f ms; retained heap %.1f MB (%d tokens)%n", json,
                elapsed / 1e6, (after - before) / 1048576.0, tokenizer.vocabularySize());
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
