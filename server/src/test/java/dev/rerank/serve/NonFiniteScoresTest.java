package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder;
import dev.rerank.serve.TestClient.Reply;
import dev.rerank.testkit.NanWeights;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose weights hold a NaN scores NaN. JSON has no NaN: the server writes such a score as
 * null with an "error" field, and the body stays valid (strict) JSON.
 */
class NonFiniteScoresTest {
    @TempDir
    Path dir;

    @Test
    void nanScoresAreNullWithAnErrorInEveryDialect() throws Exception {
        try (CrossEncoder model = CrossEncoder.builder(NanWeights.copy(TestClient.testdata().resolve("models/tiny-roberta"), dir,
                "classifier.out_proj.bias")).threads(1).build();
             RerankServer server = new RerankServer(model, Settings.of("nan", "127.0.0.1", 0))) {
            int port = server.port();
            Reply tei = TestClient.post(port, "/rerank", "{\"query\": \"q\", \"texts\": [\"a\", \"b\"]}");
            assertEquals(200, tei.status(), tei.raw().body());
            assertFalse(tei.raw().body().matches("(?s).*[:\\[,]\\s*-?(NaN|Infinity).*"), tei.raw().body());
            JsonObject first = tei.body().getAsJsonArray().get(0).getAsJsonObject();
            assertTrue(first.get("score").isJsonNull(), first.toString());
            assertTrue(first.get("error").getAsString().contains("not a finite number"), first.toString());

            Reply cohere = TestClient.post(port, "/v1/rerank", "{\"query\": \"q\", \"documents\": [\"a\"], \"raw_scores\": true}");
            JsonObject result = cohere.body().getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
            assertTrue(result.get("relevance_score").isJsonNull(), result.toString());
            assertTrue(result.has("error"));

            Reply predict = TestClient.post(port, "/predict", "{\"pairs\": [[\"a\", \"b\"]], \"raw\": true}");
            assertEquals(200, predict.status());
            JsonObject p = predict.body().getAsJsonObject();
            assertTrue(p.getAsJsonArray("scores").get(0).isJsonNull(), p.toString());
            assertTrue(p.getAsJsonArray("logits").get(0).getAsJsonArray().get(0).isJsonNull(), p.toString());
            assertTrue(p.get("error").getAsString().contains("not a finite number"), p.toString());
        }
    }
}
