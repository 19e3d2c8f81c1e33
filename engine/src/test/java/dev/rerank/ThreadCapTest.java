package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * A thread count above the available processors (issue 28, item 7: 1,024 threads on 2 cores did
 * not finish in 600 s what one thread did in 49 s) is lowered to them by both builders, and the
 * built model says how many it runs; a count outside 1..1024 is still an error.
 */
class ThreadCapTest {
    @Test
    void bothBuildersLowerTheThreadsToTheCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        try (CrossEncoder c = CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(1024).build();
             SentenceEncoder s = SentenceEncoder.builder(TestData.file("models/tiny-bert-embed")).threads(1024).build();
             CrossEncoder one = CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(1).build()) {
            assertEquals(Math.min(cores, 1024), c.threads());
            assertEquals(Math.min(cores, 1024), s.threads());
            assertEquals(1, one.threads());
        }
        assertThrows(IllegalArgumentException.class, () -> CrossEncoder.builder(TestData.file("models/tiny-roberta")).threads(1025));
        assertThrows(IllegalArgumentException.class, () -> SentenceEncoder.builder(TestData.file("models/tiny-bert-embed")).threads(0));
    }
}
