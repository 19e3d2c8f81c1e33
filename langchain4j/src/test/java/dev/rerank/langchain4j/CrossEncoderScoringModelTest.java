package dev.rerank.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.query.Query;
import dev.rerank.CrossEncoder;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ParameterTable;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.weights.SyntheticWeights;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ScoringModel through langchain4j's own interfaces and its ReRankingContentAggregator. */
class CrossEncoderScoringModelTest {
    private static final String QUERY = "A man is playing a guitar.";
    private static final List<String> DOCUMENTS = List.of(
            "A man plays the guitar.", "A woman is slicing an onion.", "A man is playing a flute.",
            "Someone is riding a horse.", "A boy is playing the guitar on stage.", "The cat sleeps.");

    private static CrossEncoder bert;
    private static CrossEncoderScoringModel model;

    @BeforeAll
    static void load() {
        bert = CrossEncoder.load(TestData.file("models/tiny-bert"));
        model = new CrossEncoderScoringModel(bert);
    }

    @AfterAll
    static void close() {
        bert.close();
    }

    @Test
    void scoresAreTheGoldenLogitsOfTinyBert() throws IOException {
        // tiny-bert declares Identity, so its score is the raw logit of the float64 reference.
        JsonObject golden = TestData.json("model-tiny-bert.json");
        int n = 0;
        for (JsonElement e : golden.getAsJsonArray("pairs")) {
            JsonObject pair = e.getAsJsonObject();
            double want = pair.getAsJsonArray("logits").get(0).getAsDouble();
            double got = model.score(pair.get("b").getAsString(), pair.get("a").getAsString()).content();
            assertEquals(want, got, 1e-4, pair.get("a") + " / " + pair.get("b"));
            n++;
        }
        assertTrue(n >= 5, "golden pairs: " + n);
    }

    @Test
    void scoreAllIsCrossEncoderPredictOnQueryDocumentPairs() {
        List<Double> scores = model.scoreAll(segments(DOCUMENTS), QUERY).content();
        float[] direct = bert.predict(DOCUMENTS.stream().map(d -> new CrossEncoder.Pair(QUERY, d)).toList());
        assertEquals(DOCUMENTS.size(), scores.size());
        for (int i = 0; i < direct.length; i++) {
            assertEquals(direct[i], scores.get(i).floatValue(), 0f, DOCUMENTS.get(i));
        }
        // The pair order matters (BERT's token types differ): (document, query) scores differently.
        float swapped = bert.predict(List.of(new CrossEncoder.Pair(DOCUMENTS.get(0), QUERY)))[0];
        assertTrue(swapped != scores.get(0).floatValue(), "query and document must not be swapped");
    }

    @Test
    void reRankingContentAggregatorOrdersByTheModelsScores() {
        // Two retrievers found overlapping contents for one query, as langchain4j's RAG would pass them.
        Query query = Query.from(QUERY);
        List<Content> first = DOCUMENTS.subList(0, 4).stream().map(Content::from).toList();
        List<Content> second = DOCUMENTS.subList(2, 6).stream().map(Content::from).toList();
        Map<Query, Collection<List<Content>>> retrieved = Map.of(query, List.of(first, second));

        List<Content> ranked = new ReRankingContentAggregator(model).aggregate(retrieved);

        List<Double> scores = model.scoreAll(segments(DOCUMENTS), QUERY).content();
        List<Integer> expected = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
        expected.sort(Comparator.comparingDouble((Integer i) -> scores.get(i)).reversed());
        assertEquals(DOCUMENTS.size(), ranked.size(), "each document once, the duplicates fused");
        for (int k = 0; k < ranked.size(); k++) {
            int doc = expected.get(k);
            assertEquals(DOCUMENTS.get(doc), ranked.get(k).textSegment().text(), "rank " + k);
            assertEquals(scores.get(doc), (Double) ranked.get(k).metadata().get(ContentMetadata.RERANKED_SCORE), 0.0);
        }

        // minScore and maxResults act on these scores.
        double third = scores.get(expected.get(2));
        List<Content> top = ReRankingContentAggregator.builder().scoringModel(model).minScore(third).maxResults(2).build()
                .aggregate(retrieved);
        assertEquals(List.of(DOCUMENTS.get(expected.get(0)), DOCUMENTS.get(expected.get(1))),
                top.stream().map(c -> c.textSegment().text()).toList());
        List<Content> above = ReRankingContentAggregator.builder().scoringModel(model).minScore(third).build().aggregate(retrieved);
        assertEquals(3, above.size());
    }

    @Test
    void emptySegmentsGiveNoScores() {
        assertEquals(List.of(), model.scoreAll(List.of(), QUERY).content());
    }

    @Test
    void badArgumentsAreNamed() {
        List<TextSegment> withNull = new ArrayList<>(segments(DOCUMENTS.subList(0, 2)));
        withNull.add(null);
        assertEquals("segment 2 is null", assertThrows(IllegalArgumentException.class, () -> model.scoreAll(withNull, QUERY)).getMessage());
        assertEquals("query is null", assertThrows(IllegalArgumentException.class,
                () -> model.scoreAll(segments(DOCUMENTS), null)).getMessage());
        assertEquals("segments is null", assertThrows(IllegalArgumentException.class, () -> model.scoreAll(null, QUERY)).getMessage());
        assertEquals("model is null", assertThrows(IllegalArgumentException.class, () -> new CrossEncoderScoringModel(null)).getMessage());
    }

    @Test
    void aClassifierWithSeveralLabelsIsRefused() throws IOException {
        // The tiny 3-label NLI model of the golden data: synthetic weights, built in memory.
        ModelConfig config = ModelConfig.fromJson(TestData.json("model-tiny-nli.json").getAsJsonObject("config"), "tiny-nli");
        try (CrossEncoder nli = CrossEncoder.builder(config, ParameterTable.of(config).synthetic("tiny-nli"),
                Tokenizer.load(TestData.file("roberta-base-tokenizer"))).threads(1).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CrossEncoderScoringModel(nli));
            assertTrue(e.getMessage().contains("3 labels"), e.getMessage());
        }
    }

    private static List<TextSegment> segments(List<String> texts) {
        return texts.stream().map(TextSegment::from).toList();
    }
}
