package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TEI's /embed and OpenAI's /v1/embeddings on the tiny sentence-transformers BERT model, against SentenceEncoder.encode. */
class EmbedServerTest {
    private static final List<String> TEXTS = List.of("A girl is styling her hair.", "A man is playing a guitar.",
            "Three men are playing chess.", "Ünïcödé and 北京");
    private static SentenceEncoder served;
    private static SentenceEncoder normalized;
    private static SentenceEncoder plain;
    private static RerankServer server;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestClient.testdata().resolve("models/tiny-bert-embed");
        served = SentenceEncoder.builder(dir).threads(2).normalize(false).build();
        normalized = SentenceEncoder.builder(dir).threads(1).build();
        plain = SentenceEncoder.builder(dir).threads(1).normalize(false).build();
        server = new RerankServer(served, true, Settings.of("tiny-bert-embed", "127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
        served.close();
        normalized.close();
        plain.close();
    }

    private static String inputs(String field, List<String> texts) {
        JsonObject o = new JsonObject();
        JsonArray a = new JsonArray();
        texts.forEach(a::add);
        o.add(field, a);
        return o.toString();
    }

    private static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    @Test
    void teiEmbedEqualsEncode() throws Exception {
        float[][] want = normalized.encode(TEXTS);
        TestClient.Reply r = TestClient.post(server.port(), "/embed", inputs("inputs", TEXTS));
        assertEquals(200, r.status(), () -> r.raw().body());
        JsonArray rows = r.body().getAsJsonArray();
        assertEquals(TEXTS.size(), rows.size());
        for (int i = 0; i < TEXTS.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(want[i], floats(rows.get(i).getAsJsonArray()), "text " + i);
        }
        TestClient.Reply raw = TestClient.post(server.port(), "/embed", "{\"inputs\": \"" + TEXTS.get(0) + "\", \"normalize\": false}");
        assertEquals(200, raw.status());
        org.junit.jupiter.api.Assertions.assertArrayEquals(plain.encode(TEXTS.get(0)),
                floats(raw.body().getAsJsonArray().get(0).getAsJsonArray()));
    }

    @Test
    void openAiEmbeddingsEqualEncodeAsFloatsAndBase64() throws Exception {
        float[][] want = normalized.encode(TEXTS);
        TestClient.Reply r = TestClient.post(server.port(), "/v1/embeddings", inputs("input", TEXTS));
        assertEquals(200, r.status(), () -> r.raw().body());
        JsonObject body = r.body().getAsJsonObject();
        assertEquals("list", body.get("object").getAsString());
        assertEquals("tiny-bert-embed", body.get("model").getAsString());
        long tokens = 0;
        for (String t : TEXTS) {
            tokens += normalized.tokenize(t).length();
        }
        assertEquals(tokens, body.getAsJsonObject("usage").get("prompt_tokens").getAsLong());
        assertEquals(tokens, body.getAsJsonObject("usage").get("total_tokens").getAsLong());
        JsonArray data = body.getAsJsonArray("data");
        for (int i = 0; i < TEXTS.size(); i++) {
            JsonObject item = data.get(i).getAsJsonObject();
            assertEquals("embedding", item.get("object").getAsString());
            assertEquals(i, item.get("index").getAsInt());
            org.junit.jupiter.api.Assertions.assertArrayEquals(want[i], floats(item.getAsJsonArray("embedding")));
        }
        JsonObject b64 = new JsonObject();
        b64.addProperty("input", TEXTS.get(1));
        b64.addProperty("encoding_format", "base64");
        b64.addProperty("model", "whatever-the-client-says");
        TestClient.Reply r64 = TestClient.post(server.port(), "/v1/embeddings", b64.toString());
        assertEquals(200, r64.status(), () -> r64.raw().body());
        assertEquals("whatever-the-client-says", r64.body().getAsJsonObject().get("model").getAsString());
        byte[] bytes = Base64.getDecoder().decode(r64.body().getAsJsonObject().getAsJsonArray("data").get(0)
                .getAsJsonObject().get("embedding").getAsString());
        float[] decoded = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
        org.junit.jupiter.api.Assertions.assertArrayEquals(want[1], decoded);
    }

    @Test
    void errorsAreNamed() throws Exception {
        assertError("/embed", "{\"inputs\": []}", 422, "nothing to embed");
        assertError("/embed", "{\"inputs\": [1, 2]}", 400, "\"inputs\" must be an array of strings");
        assertError("/embed", "{\"texts\": \"x\"}", 400, "\"inputs\" must be a string or an array of strings");
        assertError("/embed", "{\"inputs\": \"x\", \"truncation_direction\": \"bogus\"}", 422, "truncation_direction");
        String longText = "word ".repeat(400);
        assertError("/embed", "{\"inputs\": \"" + longText + "\", \"truncate\": false}", 413, "exceeds the maximum of 128");
        TestClient.Reply cut = TestClient.post(server.port(), "/embed", "{\"inputs\": \"" + longText + "\", \"truncate\": true}");
        assertEquals(200, cut.status());
        assertError("/v1/embeddings", "{\"input\": \"x\", \"encoding_format\": \"int8\"}", 422, "encoding_format");
        assertError("/v1/embeddings", "{\"input\": [101, 102]}", 422, "token arrays are not supported");
        assertError("/v1/embeddings", "{\"input\": \"x\", \"dimensions\": 8}", 422, "cannot be shortened");
        assertError("/rerank", "{\"query\": \"q\", \"texts\": [\"a\"]}", 400, "this server runs an embedding model");
        assertError("/v1/rerank", "{\"query\": \"q\", \"documents\": [\"a\"]}", 400, "this server runs an embedding model");
        TestClient.Reply info = TestClient.send(server.port(), "GET", "/info");
        assertEquals("mean", info.body().getAsJsonObject().getAsJsonObject("model_type").getAsJsonObject("embedding")
                .get("pooling").getAsString());
        assertEquals(128, info.body().getAsJsonObject().get("max_input_length").getAsInt());
    }

    private static void assertError(String path, String body, int status, String expected) throws Exception {
        TestClient.Reply r = TestClient.post(server.port(), path, body);
        assertEquals(status, r.status(), () -> path + " " + body + ": " + r.raw().body());
        assertTrue(r.error().contains(expected), () -> r.error());
    }

    @Test
    void concurrentClientsGetWhatSequentialOnesGet() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            texts.add("client " + i + " says " + "something ".repeat(i % 9));
        }
        List<JsonElement> sequential = new ArrayList<>();
        for (String t : texts) {
            sequential.add(TestClient.post(server.port(), "/embed", inputs("inputs", List.of(t, t + " again"))).body());
        }
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<TestClient.Reply>> replies = new ArrayList<>();
            for (String t : texts) {
                replies.add(pool.submit(() -> TestClient.post(server.port(), "/embed", inputs("inputs", List.of(t, t + " again")))));
            }
            for (int i = 0; i < texts.size(); i++) {
                TestClient.Reply r = replies.get(i).get();
                assertEquals(200, r.status());
                assertEquals(sequential.get(i), r.body(), "client " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCrossEncoderServerRefusesEmbedRequests() throws Exception {
        try (CrossEncoder reranker = CrossEncoder.builder(TestClient.testdata().resolve("models/tiny-bert")).threads(1).build();
             RerankServer s = new RerankServer(reranker, Settings.of("tiny-bert", "127.0.0.1", 0))) {
            TestClient.Reply r = TestClient.post(s.port(), "/embed", "{\"inputs\": \"x\"}");
            assertEquals(400, r.status());
            assertTrue(r.error().contains("this server runs a cross-encoder"), r.error());
            r = TestClient.post(s.port(), "/v1/embeddings", "{\"input\": \"x\"}");
            assertEquals(400, r.status());
            // and BERT reranking works there
            TestClient.Reply ranked = TestClient.post(s.port(), "/rerank", "{\"query\": \"a man\", \"texts\": [\"a man eats\", \"a dog\"]}");
            assertEquals(200, ranked.status(), () -> ranked.raw().body());
        }
    }
}
