package dev.rerank.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder.Pair;
import dev.rerank.model.ModelConfig;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.Truncation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark inputs are what the workload names promise. */
class WorkloadsTest {
    @Test
    void pairsHaveExactlyTheRequestedTokenCount() {
        for (SyntheticModel model : SyntheticModel.values()) {
            Tokenizer tokenizer = model.tokenizer();
            for (int[] w : new int[][] {{1, 32}, {32, 64}, {8, 256}}) {
                List<Pair> pairs = Workloads.pairs(tokenizer, w[0], w[1]);
                assertEquals(w[0], pairs.size());
                for (Pair p : pairs) {
                    assertEquals(w[1], tokenizer.encodePair(p.a(), p.b(), 512, Truncation.LONGEST_FIRST).length(), model + " " + p);
                }
            }
        }
    }

    @Test
    void bertWorkloadsAreWordPieceWithBothTokenTypes() {
        Tokenizer tokenizer = SyntheticModel.MINILM.tokenizer();
        Pair p = Workloads.pairs(tokenizer, 1, 64).get(0);
        Encoding e = tokenizer.encodePair(p.a(), p.b(), 512, Truncation.LONGEST_FIRST);
        assertEquals(tokenizer.clsId(), e.ids()[0]);
        assertEquals(tokenizer.sepId(), e.ids()[e.length() - 1]);
        assertEquals(0, e.typeIds()[0]);
        assertEquals(1, e.typeIds()[e.length() - 1]);
    }

    @Test
    void syntheticModelHasTheDistilrobertaShape() {
        ModelConfig c = SyntheticModel.DISTILROBERTA.config();
        assertEquals(768, c.hiddenSize());
        assertEquals(6, c.numLayers());
        assertEquals(512, c.maxSequenceLength());
        assertTrue(SyntheticModel.DISTILROBERTA.weights().names().contains("roberta.embeddings.word_embeddings.weight"));
    }

    @Test
    void syntheticModelHasTheMsMarcoMiniLmShape() {
        ModelConfig c = SyntheticModel.MINILM.config();
        assertEquals(384, c.hiddenSize());
        assertEquals(6, c.numLayers());
        assertEquals(1536, c.intermediateSize());
        assertEquals(ModelConfig.Activation.IDENTITY, c.activation());
        assertTrue(SyntheticModel.MINILM.weights().names().contains("bert.pooler.dense.weight"));
        assertEquals(30522, SyntheticModel.MINILM.tokenizer().vocabularySize());
    }

    @Test
    void stsbTestSplitHasEveryPairAndSentence() throws java.io.IOException {
        List<Pair> pairs = Stsb.pairs();
        List<String> sentences = Stsb.sentences();
        assertEquals(1379, pairs.size());
        assertEquals(2758, sentences.size());
        assertEquals(new Pair("A girl is styling her hair.", "A girl is brushing her hair."), pairs.get(0));
        assertEquals(pairs.get(1378).b(), sentences.get(2757));
    }
}
