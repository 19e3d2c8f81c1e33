package dev.rerank.springai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.SentenceEncoder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.TokenCountBatchingStrategy;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.content.Media;
import org.springframework.util.MimeTypeUtils;

/** The EmbeddingModel through Spring AI's own interfaces, on the tiny BERT embedding model and its golden values. */
class RerankEmbeddingModelTest {
    private static SentenceEncoder encoder;
    private static RerankEmbeddingModel model;
    private static final List<String> texts = new ArrayList<>();
    private static final List<float[]> golden = new ArrayList<>();
    private static final List<Integer> goldenTokens = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        encoder = SentenceEncoder.load(TestData.embedder());
        model = RerankEmbeddingModel.builder(encoder).modelName("tiny-bert-embed").build();
        for (JsonElement e : TestData.json("embed-tiny-bert.json").getAsJsonArray("sentences")) {
            JsonObject s = e.getAsJsonObject();
            texts.add(s.get("text").getAsString());
            goldenTokens.add(s.getAsJsonArray("input_ids").size());
            // The model directory asks for mean pooling, then Normalize.
            JsonArray v = s.getAsJsonArray("mean_normalized");
            float[] values = new float[v.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = v.get(i).getAsFloat();
            }
            golden.add(values);
        }
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void callGivesTheEncodersVectorsInInputOrderWithModelAndTokenUsage() {
        EmbeddingResponse response = model.call(new EmbeddingRequest(texts, EmbeddingOptions.builder().build()));
        float[][] direct = encoder.encode(texts);
        assertTrue(texts.size() >= 8, "golden sentences: " + texts.size());
        assertEquals(texts.size(), response.getResults().size());
        for (int i = 0; i < texts.size(); i++) {
            Embedding e = response.getResults().get(i);
            assertEquals(i, e.getIndex());
            assertArrayEquals(direct[i], e.getOutput(), 0f, texts.get(i));
            assertArrayEquals(golden.get(i), e.getOutput(), 1e-5f, texts.get(i));
        }
        // Usage as Spring AI's models report it: the input tokens (special tokens included), no completion.
        int tokens = goldenTokens.stream().mapToInt(Integer::intValue).sum();
        assertEquals("tiny-bert-embed", response.getMetadata().getModel());
        assertEquals(tokens, response.getMetadata().getUsage().getPromptTokens());
        assertEquals(0, response.getMetadata().getUsage().getCompletionTokens());
        assertEquals(tokens, response.getMetadata().getUsage().getTotalTokens());
    }

    @Test
    void everyEntryPointEndsInTheSameVector() {
        String text = texts.get(3);
        float[] want = encoder.encode(text);
        assertArrayEquals(want, model.embed(text), 0f);
        assertArrayEquals(want, model.embed(List.of(texts.get(0), text)).get(1), 0f);
        assertArrayEquals(want, model.embed(new Document(text)), 0f);
        assertArrayEquals(want, model.embedForResponse(List.of(text)).getResult().getOutput(), 0f);
        List<Document> documents = texts.stream().map(Document::new).toList();
        List<float[]> stored = model.embed(documents, EmbeddingOptions.builder().build(), new TokenCountBatchingStrategy());
        float[][] direct = encoder.encode(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(direct[i], stored.get(i), 0f, texts.get(i));
        }
    }

    @Test
    void dimensionsAreKnownWithoutEmbedding() {
        assertEquals(32, model.dimensions());
        assertEquals(model.dimensions(), model.embed("a").length);
    }

    @Test
    void noInputsGiveNoEmbeddings() {
        EmbeddingResponse response = model.call(new EmbeddingRequest(List.of(), null));
        assertTrue(response.getResults().isEmpty());
        assertEquals(0, response.getMetadata().getUsage().getPromptTokens());
    }

    @Test
    void promptsGoBeforeQueriesAndDocumentsAsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws IOException {
        try (SentenceEncoder prompted = SentenceEncoder.load(TestData.promptedEmbedder(tmp, null))) {
            RerankEmbeddingModel e5 = RerankEmbeddingModel.builder(prompted).promptName("query").documentPromptName("document").build();
            String text = texts.get(2);
            float[] query = prompted.encode(List.of(text), "query")[0];
            float[] passage = prompted.encode(List.of(text), "document")[0];
            assertFalse(java.util.Arrays.equals(query, prompted.encode(text)), "the prompt changes the embedding");
            // Queries: embed(String), embed(List), call. Documents: embed(Document) and the vector stores' batch call.
            assertArrayEquals(query, e5.embed(text), 0f);
            assertArrayEquals(query, e5.embed(List.of(text)).get(0), 0f);
            assertArrayEquals(passage, e5.embed(new Document(text)), 0f);
            assertArrayEquals(passage, e5.embed(List.of(new Document(text)), null, new TokenCountBatchingStrategy()).get(0), 0f);
            // A request may name another prompt.
            RerankEmbeddingOptions asDocument = RerankEmbeddingOptions.builder().promptName("document").build();
            assertArrayEquals(passage, e5.call(new EmbeddingRequest(List.of(text), asDocument)).getResult().getOutput(), 0f);

            // The prompt's tokens count: "query: " adds its own tokens to every text (up to the max length).
            int plain = new RerankEmbeddingModel(prompted).call(new EmbeddingRequest(texts, null)).getMetadata().getUsage().getPromptTokens();
            assertEquals(goldenTokens.stream().mapToInt(Integer::intValue).sum(), plain);
            assertEquals(withPrompt(prompted), e5.call(new EmbeddingRequest(texts, null)).getMetadata().getUsage().getPromptTokens());
        }
    }

    @Test
    void theModelsDefaultPromptAppliesAndCounts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws IOException {
        try (SentenceEncoder prompted = SentenceEncoder.load(TestData.promptedEmbedder(tmp, "query"))) {
            RerankEmbeddingModel plain = new RerankEmbeddingModel(prompted);
            EmbeddingResponse response = plain.call(new EmbeddingRequest(texts, null));
            float[][] direct = prompted.encode(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(direct[i], response.getResults().get(i).getOutput(), 0f, texts.get(i));
                assertArrayEquals(prompted.encode(List.of(texts.get(i)), "query")[0], direct[i], 0f, "default_prompt_name is query");
            }
            assertEquals(withPrompt(prompted), response.getMetadata().getUsage().getPromptTokens());
        }
    }

    /** The golden token counts with the tokens of "query: " added, each cut to the max length. */
    private static int withPrompt(SentenceEncoder prompted) {
        int promptTokens = prompted.tokenize("query:").length() - 2; // less [CLS] and [SEP]
        assertTrue(promptTokens >= 1);
        int sum = 0;
        boolean cut = false;
        for (int n : goldenTokens) {
            sum += Math.min(n + promptTokens, prompted.maxLength());
            cut |= n + promptTokens > prompted.maxLength();
        }
        assertTrue(cut, "a golden sentence is long enough to be truncated");
        return sum;
    }

    @Test
    void observedAsSpringAisModelsAre() {
        List<EmbeddingModelObservationContext> seen = new ArrayList<>();
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return context instanceof EmbeddingModelObservationContext;
            }

            @Override
            public void onStop(Observation.Context context) {
                seen.add((EmbeddingModelObservationContext) context);
            }
        });
        RerankEmbeddingModel observed = RerankEmbeddingModel.builder(encoder).modelName("tiny-bert-embed").observationRegistry(registry).build();
        observed.embed(texts.subList(0, 3));
        assertEquals(1, seen.size());
        EmbeddingModelObservationContext context = seen.get(0);
        assertEquals("embedding tiny-bert-embed", context.getContextualName());
        assertEquals("rerank", context.getLowCardinalityKeyValue("gen_ai.system").getValue());
        assertEquals("tiny-bert-embed", context.getLowCardinalityKeyValue("gen_ai.response.model").getValue());
        int tokens = goldenTokens.subList(0, 3).stream().mapToInt(Integer::intValue).sum();
        assertEquals(String.valueOf(tokens), context.getHighCardinalityKeyValue("gen_ai.usage.input_tokens").getValue());
    }

    @Test
    void badRequestsAreNamed() {
        List<String> withNull = new ArrayList<>(List.of("a"));
        withNull.add(null);
        assertEquals("input 1 is null", assertThrows(IllegalArgumentException.class, () -> model.embed(withNull)).getMessage());
        assertEquals("request is null", assertThrows(IllegalArgumentException.class, () -> model.call(null)).getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> model.call(new EmbeddingRequest(List.of("a"), EmbeddingOptions.builder().model("text-embedding-3-small").build())));
        assertEquals("this embedding model runs tiny-bert-embed; it cannot embed with the model text-embedding-3-small", other.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> model.call(new EmbeddingRequest(List.of("a"), EmbeddingOptions.builder().dimensions(1536).build())));
        assertEquals("1536 dimensions were asked for, but the model's embeddings have 32", width.getMessage());
        // Asking for the model by its own name, or for its own width, is fine.
        assertEquals(1, model.call(new EmbeddingRequest(List.of("a"),
                EmbeddingOptions.builder().model("tiny-bert-embed").dimensions(32).build())).getResults().size());

        Document image = new Document(new Media(MimeTypeUtils.IMAGE_PNG, new org.springframework.core.io.ByteArrayResource(new byte[1])),
                java.util.Map.of());
        IllegalArgumentException media = assertThrows(IllegalArgumentException.class, () -> model.embed(image));
        assertEquals("document 0 (" + image.getId() + ") has no text: only text documents can be embedded", media.getMessage());

        IllegalArgumentException prompt = assertThrows(IllegalArgumentException.class,
                () -> RerankEmbeddingModel.builder(encoder).promptName("query").build());
        assertEquals("the model has no prompt named 'query' (it has no prompts)", prompt.getMessage());
        IllegalArgumentException asked = assertThrows(IllegalArgumentException.class,
                () -> model.call(new EmbeddingRequest(List.of("a"), RerankEmbeddingOptions.builder().promptName("query").build())));
        assertEquals("the model has no prompt named 'query' (it has no prompts)", asked.getMessage());
        assertEquals("model is null", assertThrows(IllegalArgumentException.class, () -> RerankEmbeddingModel.builder(null)).getMessage());
    }
}
