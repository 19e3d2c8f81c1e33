package dev.rerank.langchain4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.embedding.listener.EmbeddingModelResponseContext;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.rerank.SentenceEncoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The EmbeddingModel through langchain4j's own interfaces, on the tiny BERT embedding model and its golden values. */
class SentenceEncoderEmbeddingModelTest {
    private static SentenceEncoder encoder;
    private static SentenceEncoderEmbeddingModel model;
    private static List<String> texts;
    private static List<float[]> golden;

    @BeforeAll
    static void load() throws IOException {
        encoder = SentenceEncoder.load(TestData.file("models/tiny-bert-embed"));
        model = new SentenceEncoderEmbeddingModel(encoder);
        texts = new ArrayList<>();
        golden = new ArrayList<>();
        for (JsonElement e : TestData.json("embed-tiny-bert.json").getAsJsonArray("sentences")) {
            JsonObject s = e.getAsJsonObject();
            if (s.get("text").getAsString().isBlank()) {
                continue; // a TextSegment cannot be blank: langchain4j refuses it before we see it
            }
            texts.add(s.get("text").getAsString());
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
    void embedAllGivesTheGoldenEmbeddingsInInputOrder() {
        List<Embedding> embeddings = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        float[][] direct = encoder.encode(texts);
        assertTrue(texts.size() >= 8, "golden sentences: " + texts.size());
        assertEquals(texts.size(), embeddings.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] got = embeddings.get(i).vector();
            assertArrayEquals(direct[i], got, 0f, texts.get(i));
            assertArrayEquals(golden.get(i), got, 1e-5f, texts.get(i));
        }
    }

    @Test
    void everyEntryPointEndsInTheSameEmbedding() {
        String text = texts.get(3);
        float[] want = encoder.encode(text);
        assertArrayEquals(want, model.embed(text).content().vector(), 0f);
        assertArrayEquals(want, model.embed(TextSegment.from(text)).content().vector(), 0f);
        assertArrayEquals(want, model.embed(EmbeddingRequest.builder().input(text).build()).embeddings().get(0).vector(), 0f);
    }

    @Test
    void listenersSeeRequestsAndResponses() {
        AtomicInteger requests = new AtomicInteger();
        List<Integer> responses = new ArrayList<>();
        EmbeddingModel observed = model.addListener(new EmbeddingModelListener() {
            @Override
            public void onRequest(dev.langchain4j.model.embedding.listener.EmbeddingModelRequestContext context) {
                requests.incrementAndGet();
            }

            @Override
            public void onResponse(EmbeddingModelResponseContext context) {
                responses.add(context.embeddingResponse().embeddings().size());
            }
        });
        List<Embedding> embeddings = observed.embedAll(texts.subList(0, 4).stream().map(TextSegment::from).toList()).content();
        assertEquals(1, requests.get());
        assertEquals(List.of(4), responses);
        assertArrayEquals(golden.get(2), embeddings.get(2).vector(), 1e-5f);
    }

    @Test
    void dimensionIsTheModelsWidth() {
        assertEquals(32, model.dimension());
        assertEquals(model.dimension(), model.embed("a").content().dimension());
    }

    @Test
    void emptyInputGivesNoEmbeddings() {
        assertTrue(model.embedAll(List.of()).content().isEmpty());
    }

    @Test
    void badArgumentsAreNamed() {
        List<TextSegment> withNull = new ArrayList<>(List.of(TextSegment.from("a")));
        withNull.add(null);
        assertEquals("segment 1 is null", assertThrows(IllegalArgumentException.class, () -> model.embedAll(withNull)).getMessage());
        assertEquals("segments is null", assertThrows(IllegalArgumentException.class, () -> model.embedAll(null)).getMessage());
        assertEquals("model is null", assertThrows(IllegalArgumentException.class, () -> new SentenceEncoderEmbeddingModel(null)).getMessage());
    }
}
