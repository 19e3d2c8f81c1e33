package dev.rerank.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder.Pair;
import dev.rerank.model.ModelConfig;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.Truncation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark inputs are what the workload names promise. */
class WorkloadsTest {
    @Test
    void pairsHaveExactlyTheRequestedTokenCount() {
        Tokenizer tokenizer = SyntheticModel.tokenizer();
        for (int[] w : new int[][] {{1, 32}, {32, 64}, {8, 256}}) {
            List<Pair> pairs = Workloads.pairs(tokenizer, w[0], w[1]);
            assertEquals(w[0], pairs.size());
            for (Pair p : pairs) {
                assertEquals(w[1], tokenizer.encodePair(p.a(), p.b(), 512, Truncation.LONGEST_FIRST).length());
            }
        }
    }

    @Test
    void syntheticModelHasTheDistilrobertaShape() {
        ModelConfig c = SyntheticModel.distilrobertaConfig();
        assertEquals(768, c.hiddenSize());
        assertEquals(6, c.numLayers());
        assertEquals(512, c.maxSequenceLength());
        assertTrue(SyntheticModel.weights(c).names().contains("roberta.embeddings.word_embeddings.weight"));
    }
}
