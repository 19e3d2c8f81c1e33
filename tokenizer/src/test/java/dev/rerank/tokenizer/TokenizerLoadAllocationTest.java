package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Loading a tokenizer must not make much garbage: the JVM keeps the heap pages that short-lived
 * objects touched (G1 does not hand back committed heap it is not shrinking), so loading garbage
 * stays in the resident memory of every process that loads a model. RoBERTa's tokenizer.json
 * (50,265 tokens, 50,000 merges) made 25.7 MB when the vocabulary was a HashMap and each merge
 * three strings; it makes about 16 MB now (mostly the strings Gson returns for each token and
 * merge). Allocation counts are deterministic (the JIT can only remove allocations), so this
 * holds on any machine.
 */
class TokenizerLoadAllocationTest {
    private static final long LIMIT_BYTES = 20_000_000;

    @Test
    void robertaTokenizerLoadsWithLittleGarbage() {
        Path file = TestData.file("roberta-base-tokenizer/tokenizer.json");
        Tokenizer.load(file); // classes loaded, so only the load itself is counted below
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Tokenizer tokenizer = Tokenizer.load(file);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(tokenizer.vocabularySize() == 50_265, "the whole vocabulary was read");
        assertTrue(allocated < LIMIT_BYTES, "loading allocated " + allocated + " bytes; limit " + LIMIT_BYTES);
    }
}
