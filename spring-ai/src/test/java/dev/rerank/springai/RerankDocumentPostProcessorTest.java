package dev.rerank.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.testkit.NanWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.content.Media;
import org.springframework.ai.document.Document;
import org.springframework.ai.rag.Query;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.MimeTypeUtils;

/** The post-processor through Spring AI's DocumentPostProcessor interface, against CrossEncoder.rank. */
class RerankDocumentPostProcessorTest {
    private static CrossEncoder crossEncoder;
    private static List<Document> retrieved;

    @BeforeAll
    static void load() {
        crossEncoder = CrossEncoder.load(TestData.reranker());
        retrieved = new ArrayList<>();
        for (int i = 0; i < TestData.DOCUMENTS.size(); i++) {
            // As a vector store hands them over: an id, metadata, the similarity as score.
            Map<String, Object> metadata = new HashMap<>(Map.of("source", "doc-" + i, "distance", 0.1 * i));
            retrieved.add(Document.builder().id("id-" + i).text(TestData.DOCUMENTS.get(i)).metadata(metadata).score(1.0 - 0.1 * i).build());
        }
    }

    @AfterAll
    static void close() {
        crossEncoder.close();
    }

    @Test
    void documentsComeBackInRankOrderWithRankScores() {
        List<Document> reranked = new RerankDocumentPostProcessor(crossEncoder).process(new Query(TestData.QUERY), retrieved);
        List<CrossEncoder.Ranked> ranking = crossEncoder.rank(TestData.QUERY, TestData.DOCUMENTS, 0);
        assertEquals(ranking.size(), reranked.size());
        for (int k = 0; k < ranking.size(); k++) {
            CrossEncoder.Ranked want = ranking.get(k);
            Document got = reranked.get(k);
            Document source = retrieved.get(want.corpusId());
            assertEquals(source.getId(), got.getId(), "rank " + k);
            assertEquals(want.text(), got.getText());
            assertEquals((double) want.score(), got.getScore(), 0.0, "bit-identical score at rank " + k);
            assertEquals((double) want.score(), (Double) got.getMetadata().get(RerankDocumentPostProcessor.SCORE_METADATA_KEY), 0.0);
            assertEquals(source.getMetadata().get("source"), got.getMetadata().get("source"), "metadata kept");
            assertEquals(source.getMetadata().get("distance"), got.getMetadata().get("distance"));
        }
        assertTrue(ranking.get(0).score() > ranking.get(ranking.size() - 1).score(), "a real ordering, not all ties");
        // The retrieved documents are left as they were.
        for (int i = 0; i < retrieved.size(); i++) {
            assertEquals(1.0 - 0.1 * i, retrieved.get(i).getScore(), 0.0);
            assertNull(retrieved.get(i).getMetadata().get(RerankDocumentPostProcessor.SCORE_METADATA_KEY));
        }
    }

    @Test
    void topNAndMinScoreKeepTheBest() {
        List<CrossEncoder.Ranked> ranking = crossEncoder.rank(TestData.QUERY, TestData.DOCUMENTS, 0);
        Query query = new Query(TestData.QUERY);
        assertEquals(ids(ranking.subList(0, 3)), ids(RerankDocumentPostProcessor.builder(crossEncoder).topN(3).build().process(query, retrieved)));

        double fourth = ranking.get(3).score();
        List<Document> above = RerankDocumentPostProcessor.builder(crossEncoder).minScore(fourth).build().process(query, retrieved);
        assertEquals(ids(ranking.subList(0, 4)), ids(above), "at least min score: the fourth is kept");
        List<Document> both = RerankDocumentPostProcessor.builder(crossEncoder).minScore(fourth).topN(2).build().process(query, retrieved);
        assertEquals(ids(ranking.subList(0, 2)), ids(both));
        double best = ranking.get(0).score();
        assertEquals(List.of(), RerankDocumentPostProcessor.builder(crossEncoder).minScore(Math.nextUp(best)).build().process(query, retrieved));
    }

    @Test
    void theQueryComesFirstInEachPair() {
        // The pair order matters to a cross-encoder: (document, query) scores differently.
        Document top = new RerankDocumentPostProcessor(crossEncoder).process(new Query(TestData.QUERY), retrieved.subList(0, 1)).get(0);
        float swapped = crossEncoder.predict(List.of(new CrossEncoder.Pair(TestData.DOCUMENTS.get(0), TestData.QUERY)))[0];
        float straight = crossEncoder.predict(List.of(new CrossEncoder.Pair(TestData.QUERY, TestData.DOCUMENTS.get(0))))[0];
        assertTrue(swapped != straight);
        assertEquals(straight, top.getScore().floatValue(), 0f);
    }

    @Test
    void noDocumentsGiveNone() {
        assertEquals(List.of(), new RerankDocumentPostProcessor(crossEncoder).process(new Query(TestData.QUERY), List.of()));
    }

    @Test
    void badArgumentsAreNamed() {
        RerankDocumentPostProcessor reranker = new RerankDocumentPostProcessor(crossEncoder);
        Query query = new Query(TestData.QUERY);
        List<Document> withNull = new ArrayList<>(retrieved.subList(0, 2));
        withNull.add(null);
        assertEquals("document 2 is null", assertThrows(IllegalArgumentException.class, () -> reranker.process(query, withNull)).getMessage());
        Document image = new Document("img", new Media(MimeTypeUtils.IMAGE_PNG, new ByteArrayResource(new byte[1])), Map.of());
        assertEquals("document 0 (img) has no text: only text documents can be reranked",
                assertThrows(IllegalArgumentException.class, () -> reranker.process(query, List.of(image))).getMessage());
        assertEquals("query is null", assertThrows(IllegalArgumentException.class, () -> reranker.process(null, retrieved)).getMessage());
        assertEquals("documents is null", assertThrows(IllegalArgumentException.class, () -> reranker.process(query, null)).getMessage());
        assertEquals("model is null", assertThrows(IllegalArgumentException.class, () -> new RerankDocumentPostProcessor(null)).getMessage());
        assertEquals("top-n must be at least 0 (0: all documents), got -1", assertThrows(IllegalArgumentException.class,
                () -> RerankDocumentPostProcessor.builder(crossEncoder).topN(-1)).getMessage());
        assertEquals("min score is NaN", assertThrows(IllegalArgumentException.class,
                () -> RerankDocumentPostProcessor.builder(crossEncoder).minScore(Double.NaN)).getMessage());
    }

    @Test
    void aClassifierWithSeveralLabelsIsRefused(@TempDir Path tmp) throws IOException {
        try (CrossEncoder nli = CrossEncoder.load(TestData.classifier(tmp.resolve("nli")))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RerankDocumentPostProcessor(nli));
            assertEquals("a reranker needs a cross-encoder with one score per pair, but this model has 3 labels"
                    + " (a classifier such as NLI ranks nothing)", e.getMessage());
        }
    }

    @Test
    void aModelThatScoresNaNFailsInsteadOfRankingNonsense(@TempDir Path tmp) throws IOException {
        Path broken = NanWeights.copy(TestData.reranker(), tmp.resolve("nan"), "classifier.out_proj.bias");
        try (CrossEncoder nan = CrossEncoder.load(broken)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new RerankDocumentPostProcessor(nan).process(new Query(TestData.QUERY), retrieved.subList(0, 2)));
            assertEquals("the reranker scored document 0 (id-0) NaN, not a finite number: check the model's weights", e.getMessage());
        }
    }

    private static List<String> ids(List<?> ranked) {
        return ranked.stream().map(r -> r instanceof CrossEncoder.Ranked k ? "id-" + k.corpusId() : ((Document) r).getId()).toList();
    }
}
