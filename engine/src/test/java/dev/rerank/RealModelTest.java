package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rerank.CrossEncoder.Pair;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The published model, when a copy is at hand: RERANK_REAL_MODEL_DIR = a download of
 * omkar334/reranker-distilroberta-base-stsb. Skipped (and reported as skipped) otherwise.
 */
class RealModelTest {
    @Test
    @EnabledIfEnvironmentVariable(named = "RERANK_REAL_MODEL_DIR", matches = ".+")
    void modelCardScores() {
        try (CrossEncoder model = CrossEncoder.load(Path.of(System.getenv("RERANK_REAL_MODEL_DIR")))) {
            float[] scores = model.predict(List.of(
                    new Pair("A man with a hard hat is dancing.", "A man wearing a hard hat is dancing."),
                    new Pair("A young child is riding a horse.", "A child is riding a horse."),
                    new Pair("A man is feeding a mouse to a snake.", "The man is feeding a mouse to the snake."),
                    new Pair("A woman is playing the guitar.", "A man is playing guitar."),
                    new Pair("A woman is playing the flute.", "A man is playing a flute.")));
            float[] card = {0.9598f, 0.9533f, 0.9566f, 0.3766f, 0.4535f};
            for (int i = 0; i < card.length; i++) {
                // The card prints 4 decimals: allow its rounding plus the 1e-4 tolerance.
                assertEquals(card[i], scores[i], 1.5e-4, "pair " + i);
            }
        }
    }
}
