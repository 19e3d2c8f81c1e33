package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SimilarityTest {
    @Test
    void scoresThePairWithTheInstalledEngine() {
        // The model and the score the engine gives in the build that installed it (LibraryInstallIT).
        String model = System.getProperty("rerank.model");
        float expected = Float.parseFloat(System.getProperty("rerank.expected"));
        assertEquals(expected, Similarity.score(model, "A man is eating.", "A man eats."), 1e-6f);
    }
}
