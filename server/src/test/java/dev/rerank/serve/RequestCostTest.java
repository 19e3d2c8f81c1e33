package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one request may cost (issue 28, item 2), over real sockets: a 1.9 MB query against 1,000
 * one-character texts — inside the body and text limits — used to be tokenized once per text
 * (74 s of CPU), and two such requests kept GET /health waiting 102 s. The query is now
 * tokenized once, a request's tokens after truncation are capped (413 naming the limit), and
 * /health answers while such requests are being tokenized.
 */
class RequestCostTest {
    private static CrossEncoder model;
    private static RerankServer server;

    @BeforeAll
    static void start() throws Exception {
        model = CrossEncoder.builder(TestClient.testdata().resolve("models/tiny-roberta")).threads(1).build();
        server = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    /** {"query": query, "texts": texts} as JSON. */
    private static String rerank(String query, List<String> texts) {
        JsonObject o = new JsonObject();
        o.addProperty("query", query);
        JsonArray a = new JsonArray();
        texts.forEach(a::add);
        o.add("texts", a);
        return o.toString();
    }

    private static final String AMPLIFIER = rerank("word ".repeat(380_000), Collections.nCopies(1000, "a"));

    @Test
    void aLongQueryAgainstAThousandShortTextsIsRefusedAtTheTokenLimitNotTokenizedAThousandTimes() {
        assertTrue(AMPLIFIER.length() > 1_900_000 && AMPLIFIER.length() < Limits.defaults().maxClientBatchSize() * 2_000);
        // Old code: 1,000 tokenizations of the 1.9 MB query, over a minute. The bound is a hang guard, not a speed claim.
        TestClient.Reply r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> TestClient.post(server.port(), "/rerank", AMPLIFIER));
        assertEquals(413, r.status(), r.raw().body());
        assertTrue(r.error().contains("more than " + Limits.DEFAULT_MAX_REQUEST_TOKENS + " tokens")
                && r.error().contains("--max-request-tokens"), r.error());
    }

    @Test
    void aLongQueryWithinTheLimitGetsTheScoresOfEachPairAlone() throws Exception {
        String query = "A man is playing a guitar on a stage in front of a crowd. ".repeat(300);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add(i % 3 == 0 ? "" : "text number " + i + " about " + "music ".repeat(i));
        }
        TestClient.Reply r = TestClient.post(server.port(), "/rerank",
                rerank(query, texts).replaceFirst("\\{", "{\"raw_scores\": true, "));
        assertEquals(200, r.status(), r.raw().body());
        float[] alone = new float[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            alone[i] = model.predict(List.of(new CrossEncoder.Pair(query, texts.get(i))), CrossEncoder.Output.LOGITS)[0][0];
        }
        for (JsonElement e : r.body().getAsJsonArray()) {
            int index = e.getAsJsonObject().get("index").getAsInt();
            assertEquals(alone[index], e.getAsJsonObject().get("score").getAsFloat(), "text " + index);
        }
    }

    @Test
    void aRequestOverASmallerTokenLimitIs413NamingIt() throws Exception {
        try (RerankServer small = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0)
                .withLimits(Limits.defaults().withMaxRequestTokens(100)))) {
            TestClient.Reply r = TestClient.post(small.port(), "/rerank", rerank("a query", Collections.nCopies(20, "a text")));
            assertEquals(413, r.status());
            assertTrue(r.error().contains("more than 100 tokens"), r.error());
            assertEquals(200, TestClient.post(small.port(), "/rerank", rerank("a query", List.of("a text"))).status());
        }
    }

    @Test
    void healthAnswersWhileLargeRequestsAreTokenized() throws Exception {
        int clients = Runtime.getRuntime().availableProcessors() + 1;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> load = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                load.add(pool.submit(() -> {
                    for (int i = 0; i < 3; i++) {
                        TestClient.post(server.port(), "/rerank", AMPLIFIER);
                    }
                    return null;
                }));
            }
            Thread.sleep(200);
            for (int i = 0; i < 20; i++) {
                // Old code: every carrier thread busy tokenizing, /health waited for minutes.
                TestClient.Reply health = assertTimeoutPreemptively(Duration.ofSeconds(5),
                        () -> TestClient.send(server.port(), "GET", "/health"));
                assertEquals(200, health.status());
                Thread.sleep(50);
            }
            for (Future<?> f : load) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
