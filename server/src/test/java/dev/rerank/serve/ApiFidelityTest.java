package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.serve.TestClient.Reply;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Truncation;
import dev.rerank.tokenizer.TruncationDirection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** text-embeddings-inference's request fields, /info fields, flags and JSON errors, on the tiny model. */
class ApiFidelityTest {
    private static final String QUERY = "what happened at the end";
    /** Long enough to be truncated; its start and its end say different things. */
    private static final String LONG = "the morning was calm and the market opened quietly. ".repeat(60)
            + "in the evening a storm flooded the harbour and the boats sank.";

    private static CrossEncoder model;
    private static RerankServer server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        model = CrossEncoder.builder(TestClient.testdata().resolve("models/tiny-roberta")).threads(2).build();
        server = new RerankServer(model, Settings.of("tiny-roberta", "127.0.0.1", 0));
        port = server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static float engineScore(TruncationDirection direction, boolean raw) {
        Encoding e = model.tokenizer().encodePair(QUERY, LONG, model.maxLength(), Truncation.LONGEST_FIRST, direction);
        float[][] logits = model.logitsOf(List.of(e));
        return raw ? logits[0][0] : model.transform(logits, CrossEncoder.Output.ACTIVATED)[0][0];
    }

    private static float rerankScore(String extra) throws Exception {
        Reply r = TestClient.post(port, "/rerank", "{\"query\": \"" + QUERY + "\", \"texts\": [\"" + LONG + "\"]" + extra + "}");
        assertEquals(200, r.status(), r.raw().body());
        return r.body().getAsJsonArray().get(0).getAsJsonObject().get("score").getAsFloat();
    }

    @Test
    void truncationDirectionLeftKeepsTheEndOfTheTextAndRightTheStart() throws Exception {
        float right = rerankScore(", \"truncation_direction\": \"Right\"");
        float left = rerankScore(", \"truncation_direction\": \"Left\"");
        assertNotEquals(right, left, "Left and Right must score different parts of a long text");
        assertEquals(engineScore(TruncationDirection.RIGHT, false), right, 0f);
        assertEquals(engineScore(TruncationDirection.LEFT, false), left, 0f);
        assertEquals(right, rerankScore(""), 0f, "Right is the default");
        assertEquals(left, rerankScore(", \"truncation_direction\": \"left\""), 0f);
        Reply cohere = TestClient.post(port, "/v1/rerank", "{\"query\": \"" + QUERY + "\", \"documents\": [\"" + LONG
                + "\"], \"truncation_direction\": \"Left\"}");
        assertEquals(left, cohere.body().getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject()
                .get("relevance_score").getAsFloat(), 0f);
    }

    @Test
    void anUnknownTruncationDirectionIs422() throws Exception {
        for (String bad : new String[] {"\"bogus\"", "12", "[\"Left\"]"}) {
            Reply r = TestClient.post(port, "/rerank", "{\"query\": \"q\", \"texts\": [\"a\"], \"truncation_direction\": " + bad + "}");
            assertEquals(422, r.status(), r.raw().body());
            assertTrue(r.error().contains("truncation_direction"), r.error());
        }
    }

    @Test
    void rawScoresAreHonouredOnCohereRerankToo() throws Exception {
        String body = "{\"query\": \"" + QUERY + "\", \"documents\": [\"" + LONG + "\"], \"raw_scores\": true}";
        Reply r = TestClient.post(port, "/v1/rerank", body);
        assertEquals(200, r.status(), r.raw().body());
        JsonObject result = r.body().getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
        assertEquals(engineScore(TruncationDirection.RIGHT, true), result.get("relevance_score").getAsFloat(), 0f);
        assertEquals(engineScore(TruncationDirection.RIGHT, true), rerankScore(", \"raw_scores\": true"), 0f);
        Encoding e = model.tokenizer().encodePair(QUERY, LONG, model.maxLength(), Truncation.LONGEST_FIRST);
        assertEquals(e.length(), r.body().getAsJsonObject().getAsJsonObject("usage").get("total_tokens").getAsInt());
    }

    @Test
    void infoUsesTeiFieldNamesAndKeepsTheOldOnes() throws Exception {
        JsonObject info = TestClient.send(port, "GET", "/info").body().getAsJsonObject();
        assertEquals("tiny-roberta", info.get("model_id").getAsString());
        assertEquals("float32", info.get("model_dtype").getAsString());
        assertEquals("LABEL_0", info.getAsJsonObject("model_type").getAsJsonObject("reranker").getAsJsonObject("id2label")
                .get("0").getAsString());
        assertEquals(512, info.get("max_input_length").getAsInt());
        assertEquals(1000, info.get("max_client_batch_size").getAsInt());
        assertEquals(4096, info.get("max_batch_tokens").getAsInt());
        assertTrue(info.get("auto_truncate").getAsBoolean());
        assertTrue(info.has("version") && info.has("model_sha") && info.has("max_concurrent_requests"), info.toString());
        assertEquals("tiny-roberta", info.get("model").getAsString());
        assertEquals(512, info.get("max_length").getAsInt());
    }

    @Test
    void unknownPathsAndMethodsAnswerJsonErrors() throws Exception {
        for (String[] c : new String[][] {{"GET", "/nope"}, {"POST", "/v2/rerank"}, {"GET", "/"}}) {
            Reply r = TestClient.send(port, c[0], c[1]);
            assertEquals(404, r.status(), r.raw().body());
            assertTrue(r.error().contains("no such endpoint: " + c[0] + " " + c[1]), r.error());
        }
        Reply r = TestClient.send(port, "GET", "/rerank");
        assertEquals(405, r.status());
        assertEquals("POST", r.raw().headers().firstValue("Allow").orElse(null));
        assertTrue(r.error().contains("/rerank takes POST"), r.error());
        Reply d = TestClient.send(port, "DELETE", "/health");
        assertEquals(405, d.status());
        assertTrue(d.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void anApiKeyIsRequiredWhenSetExceptForHealth() throws Exception {
        try (RerankServer locked = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0).withApiKey("s3cret"))) {
            int p = locked.port();
            String body = "{\"query\": \"q\", \"texts\": [\"a\"]}";
            Reply none = TestClient.post(p, "/rerank", body);
            assertEquals(401, none.status());
            assertEquals("Bearer", none.raw().headers().firstValue("WWW-Authenticate").orElse(null));
            assertTrue(none.error().contains("API key"), none.error());
            assertEquals(401, TestClient.post(p, "/rerank", body, "Authorization", "Bearer wrong").status());
            assertEquals(401, TestClient.send(p, "GET", "/info").status());
            assertEquals(200, TestClient.post(p, "/rerank", body, "Authorization", "Bearer s3cret").status());
            assertEquals(200, TestClient.send(p, "GET", "/health").status());
        }
    }

    @Test
    void withoutAutoTruncateALongTextMustAskForTruncation() throws Exception {
        try (RerankServer strict = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0).withAutoTruncate(false))) {
            String texts = "\"texts\": [\"" + LONG + "\"]";
            Reply r = TestClient.post(strict.port(), "/rerank", "{\"query\": \"q\", " + texts + "}");
            assertEquals(413, r.status(), r.raw().body());
            assertTrue(r.error().contains("exceeds the maximum of 512"), r.error());
            assertEquals(200, TestClient.post(strict.port(), "/rerank", "{\"query\": \"q\", " + texts + ", \"truncate\": true}").status());
            JsonObject info = TestClient.send(strict.port(), "GET", "/info").body().getAsJsonObject();
            assertTrue(!info.get("auto_truncate").getAsBoolean());
        }
    }

    @Test
    void clientBatchSizeLimitIsConfigurable() throws Exception {
        try (RerankServer small = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0)
                .withLimits(Limits.defaults().withMaxClientBatchSize(2)))) {
            JsonArray three = new JsonArray();
            List.of("a", "b", "c").forEach(three::add);
            Reply r = TestClient.post(small.port(), "/rerank", "{\"query\": \"q\", \"texts\": " + three + "}");
            assertEquals(422, r.status());
            assertTrue(r.error().contains("limit of 2"), r.error());
        }
    }
}
