package dev.rerank.springai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.advisor.RetrievalAugmentationAdvisor;
import org.springframework.ai.rag.retrieval.search.DocumentRetriever;
import org.springframework.ai.rag.retrieval.search.VectorStoreDocumentRetriever;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot application whose RAG pipeline runs on the auto-configured models: documents into
 * Spring AI's SimpleVectorStore through the embedding model, RetrievalAugmentationAdvisor's
 * retrieval (its DocumentRetriever, then the reranking post-processor), no chat model.
 */
@SpringBootTest(classes = RagPipelineTest.Application.class)
class RagPipelineTest {
    private static final int RETRIEVED = 6;
    private static final int TOP_N = 3;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("rerank.embedding.model", () -> TestData.embedder().toString());
        registry.add("rerank.reranker.model", () -> TestData.reranker().toString());
        registry.add("rerank.reranker.top-n", () -> TOP_N);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
        @Bean
        SimpleVectorStore vectorStore(EmbeddingModel embeddingModel) {
            SimpleVectorStore store = SimpleVectorStore.builder(embeddingModel).build();
            for (int i = 0; i < TestData.DOCUMENTS.size(); i++) {
                store.add(List.of(Document.builder().id("doc-" + i).text(TestData.DOCUMENTS.get(i)).metadata("n", i).build()));
            }
            return store;
        }

        @Bean
        DocumentRetriever retriever(SimpleVectorStore vectorStore) {
            return VectorStoreDocumentRetriever.builder().vectorStore(vectorStore).topK(RETRIEVED).build();
        }

        @Bean
        RetrievalAugmentationAdvisor rag(DocumentRetriever retriever, RerankDocumentPostProcessor reranker) {
            return RetrievalAugmentationAdvisor.builder().documentRetriever(retriever).documentPostProcessors(reranker).build();
        }
    }

    @Autowired
    RetrievalAugmentationAdvisor rag;
    @Autowired
    DocumentRetriever retriever;
    @Autowired
    SimpleVectorStore vectorStore;
    @Autowired
    CrossEncoder crossEncoder;
    @Autowired
    SentenceEncoder sentenceEncoder;

    @Test
    void theAdvisorsDocumentsAreTheRetrievedOnesInRankOrderWithRankScores() {
        List<Document> context = retrieve(rag);
        List<Document> retrieved = retriever.retrieve(new Query(TestData.QUERY));
        assertEquals(RETRIEVED, retrieved.size());
        List<CrossEncoder.Ranked> ranking = crossEncoder.rank(TestData.QUERY, retrieved.stream().map(Document::getText).toList(), 0);
        assertEquals(TOP_N, context.size(), "top-n");
        for (int k = 0; k < TOP_N; k++) {
            Document want = retrieved.get(ranking.get(k).corpusId());
            assertEquals(want.getId(), context.get(k).getId(), "rank " + k);
            assertEquals(want.getText(), context.get(k).getText());
            assertEquals(want.getMetadata().get("n"), context.get(k).getMetadata().get("n"));
            assertEquals((double) ranking.get(k).score(), context.get(k).getScore(), 0.0, "bit-identical score at rank " + k);
            assertEquals(context.get(k).getScore(), context.get(k).getMetadata().get(RerankDocumentPostProcessor.SCORE_METADATA_KEY));
        }
        List<String> byVectors = retrieved.subList(0, TOP_N).stream().map(Document::getId).toList();
        assertNotEquals(byVectors, context.stream().map(Document::getId).toList(), "the reranker reorders what the vectors found");
    }

    @Test
    void minScoreHoldsInThePipeline() {
        List<Document> retrieved = retriever.retrieve(new Query(TestData.QUERY));
        List<CrossEncoder.Ranked> ranking = crossEncoder.rank(TestData.QUERY, retrieved.stream().map(Document::getText).toList(), 0);
        double second = ranking.get(1).score();
        RetrievalAugmentationAdvisor strict = RetrievalAugmentationAdvisor.builder().documentRetriever(retriever)
                .documentPostProcessors(RerankDocumentPostProcessor.builder(crossEncoder).minScore(second).build()).build();
        List<Document> context = retrieve(strict);
        assertEquals(2, context.size());
        assertTrue(context.stream().allMatch(d -> d.getScore() >= second));
    }

    @Test
    void theStoreHoldsTheEncodersVectorsBitForBit(@TempDir Path tmp) throws IOException {
        Path saved = tmp.resolve("store.json");
        vectorStore.save(saved.toFile());
        JsonObject store = JsonParser.parseString(Files.readString(saved)).getAsJsonObject();
        float[][] want = sentenceEncoder.encode(TestData.DOCUMENTS);
        assertEquals(TestData.DOCUMENTS.size(), store.size());
        for (int i = 0; i < want.length; i++) {
            List<JsonElement> values = store.getAsJsonObject("doc-" + i).getAsJsonArray("embedding").asList();
            float[] got = new float[values.size()];
            for (int j = 0; j < got.length; j++) {
                got[j] = values.get(j).getAsFloat();
            }
            assertArrayEquals(want[i], got, 0f, TestData.DOCUMENTS.get(i));
        }
    }

    /** The documents the advisor puts into a request's context: retrieval and post-processing, no chat model. */
    @SuppressWarnings("unchecked")
    private static List<Document> retrieve(RetrievalAugmentationAdvisor advisor) {
        Map<String, Object> context = new HashMap<>();
        ChatClientRequest request = ChatClientRequest.builder().prompt(new Prompt(TestData.QUERY)).context(context).build();
        return (List<Document>) advisor.before(request, null).context().get(RetrievalAugmentationAdvisor.DOCUMENT_CONTEXT);
    }
}
