package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.CrossEncoder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server on an ephemeral loopback port, driven with java.net.http, on the tiny model. */
class RerankServerTest {
    private static CrossEncoder model;
    private static RerankServer server;
    private static HttpClient http;
    private static JsonObject golden;
    private static JsonObject goldenModel;

    @BeforeAll
    static void start() throws IOException {
        Path testdata = Path.of(System.getProperty("rerank.testdata", "../testdata"));
        model = CrossEncoder.builder(testdata.resolve("models/tiny-roberta")).threads(2).build();
        server = new RerankServer(model, Settings.of("tiny-roberta", "127.0.0.1", 0));
        http = HttpClient.newHttpClient();
        golden = JsonParser.parseString(Files.readString(testdata.resolve("cross-encoder-tiny.json"))).getAsJsonObject();
        goldenModel = JsonParser.parseString(Files.readString(testdata.resolve("model-tiny.json"))).getAsJsonObject();
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    record Reply(int status, JsonElement body, HttpResponse<String> raw) {}

    static Reply post(RerankServer s, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().startsWith("{") || r.body().startsWith("[") ? JsonParser.parseString(r.body()) : null, r);
    }

    static Reply get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().startsWith("{") ? JsonParser.parseString(r.body()) : null, r);
    }

    private static String rerankBody(boolean returnText) {
        JsonObject rank = golden.getAsJsonObject("rank");
        JsonObject body = new JsonObject();
        body.add("query", rank.get("query"));
        body.add("texts", rank.get("documents"));
        body.addProperty("return_text", returnText);
        return body.toString();
    }

    @Test
    void rerankAsTextEmbeddingsInference() throws Exception {
        Reply r = post(server, "/rerank", rerankBody(true));
        assertEquals(200, r.status(), String.valueOf(r.body()));
        JsonArray got = r.body().getAsJsonArray();
        JsonArray want = golden.getAsJsonObject("rank").getAsJsonArray("result");
        JsonArray docs = golden.getAsJsonObject("rank").getAsJsonArray("documents");
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            JsonObject g = got.get(i).getAsJsonObject();
            JsonObject w = want.get(i).getAsJsonObject();
            assertEquals(w.get("corpus_id").getAsInt(), g.get("index").getAsInt());
            assertEquals(w.get("score").getAsDouble(), g.get("score").getAsDouble(), 1e-4);
            assertEquals(docs.get(g.get("index").getAsInt()).getAsString(), g.get("text").getAsString());
        }
    }

    @Test
    void rerankAsCohere() throws Exception {
        JsonObject rank = golden.getAsJsonObject("rank");
        JsonObject body = new JsonObject();
        body.add("query", rank.get("query"));
        body.add("documents", rank.get("documents"));
        body.addProperty("top_n", 2);
        body.addProperty("return_documents", true);
        Reply r = post(server, "/v1/rerank", body.toString());
        assertEquals(200, r.status(), String.valueOf(r.body()));
        JsonObject o = r.body().getAsJsonObject();
        JsonArray results = o.getAsJsonArray("results");
        assertEquals(2, results.size());
        JsonObject best = results.get(0).getAsJsonObject();
        JsonObject want = rank.getAsJsonArray("result").get(0).getAsJsonObject();
        assertEquals(want.get("corpus_id").getAsInt(), best.get("index").getAsInt());
        assertEquals(want.get("score").getAsDouble(), best.get("relevance_score").getAsDouble(), 1e-4);
        assertEquals(rank.getAsJsonArray("documents").get(best.get("index").getAsInt()).getAsString(),
                best.getAsJsonObject("document").get("text").getAsString());
        assertEquals("tiny-roberta", o.get("model").getAsString());
        assertTrue(o.getAsJsonObject("usage").get("total_tokens").getAsInt() > 0);
    }

    @Test
    void predictGivesTheGoldenScoresAndLogits() throws Exception {
        JsonArray pairs = new JsonArray();
        for (JsonElement e : goldenModel.getAsJsonArray("pairs")) {
            JsonArray p = new JsonArray();
            p.add(e.getAsJsonObject().get("a"));
            p.add(e.getAsJsonObject().get("b"));
            pairs.add(p);
        }
        JsonObject body = new JsonObject();
        body.add("pairs", pairs);
        body.addProperty("raw", true);
        Reply r = post(server, "/predict", body.toString());
        assertEquals(200, r.status(), String.valueOf(r.body()));
        JsonArray scores = r.body().getAsJsonObject().getAsJsonArray("scores");
        JsonArray logits = r.body().getAsJsonObject().getAsJsonArray("logits");
        for (int i = 0; i < pairs.size(); i++) {
            JsonObject want = goldenModel.getAsJsonArray("pairs").get(i).getAsJsonObject();
            assertEquals(want.get("score").getAsDouble(), scores.get(i).getAsDouble(), 1e-4);
            assertEquals(want.getAsJsonArray("logits").get(0).getAsDouble(), logits.get(i).getAsJsonArray().get(0).getAsDouble(), 1e-4);
        }
    }

    @Test
    void healthInfoAndMetrics() throws Exception {
        assertEquals("ok", get("/health").body().getAsJsonObject().get("status").getAsString());
        JsonObject info = get("/info").body().getAsJsonObject();
        assertEquals(512, info.get("max_length").getAsInt());
        assertEquals("LABEL_0", info.getAsJsonArray("labels").get(0).getAsString());
        post(server, "/rerank", rerankBody(false));
        Reply metrics = get("/metrics");
        assertEquals(200, metrics.status());
        String text = metrics.raw().body();
        assertTrue(text.contains("rerank_requests_total{endpoint=\"/rerank\",status=\"200\"}"), text);
        assertTrue(text.contains("rerank_request_duration_seconds_bucket{le=\"+Inf\"}"), text);
        assertTrue(text.contains("rerank_pairs_scored_total"), text);
        assertTrue(text.contains("rerank_queue_pairs"), text);
    }

    @Test
    void badRequestsGetTheirStatusAndAJsonError() throws Exception {
        assertError(post(server, "/rerank", "{not json"), 400, "not valid JSON");
        assertError(post(server, "/rerank", "{\"query\": \"q\", \"texts\": \"one\"}"), 400, "\"texts\"");
        assertError(post(server, "/rerank", "{\"query\": 3, \"texts\": [\"a\"]}"), 400, "\"query\"");
        assertError(post(server, "/rerank", "{\"query\": \"q\", \"texts\": [\"a\"], \"truncate\": \"yes\"}"), 400, "\"truncate\"");
        assertError(post(server, "/v1/rerank", "{\"query\": \"q\", \"documents\": [1]}"), 400, "\"documents\"");
        assertError(post(server, "/predict", "{\"pairs\": [[\"a\"]]}"), 400, "\"pairs\"");
        assertError(post(server, "/rerank", "{\"query\": \"q\", \"texts\": []}"), 422, "nothing to score");
        JsonArray many = new JsonArray();
        for (int i = 0; i < 1001; i++) {
            many.add("doc " + i);
        }
        assertError(post(server, "/rerank", "{\"query\": \"q\", \"texts\": " + many + "}"), 422, "limit of 1000");
        String longText = "word ".repeat(1000);
        assertError(post(server, "/rerank", "{\"query\": \"q\", \"texts\": [\"" + longText + "\"], \"truncate\": false}"), 413, "exceeds");
        assertEquals(200, post(server, "/rerank", "{\"query\": \"q\", \"texts\": [\"" + longText + "\"], \"truncate\": true}").status());
        assertError(post(server, "/rerank", "{\"query\": \"q\", \"texts\": [\"" + "x".repeat(3 << 20) + "\"]}"), 413, "larger than");
        assertError(get("/rerank"), 405, "takes POST");
    }

    private static void assertError(Reply r, int status, String message) {
        assertEquals(status, r.status(), () -> String.valueOf(r.raw().body()));
        String error = r.body().getAsJsonObject().get("error").getAsString();
        assertTrue(error.contains(message), () -> "expected '" + message + "' in: " + error);
    }

    @Test
    void thirtyTwoConcurrentClientsGetTheSequentialResults() throws Exception {
        List<String> bodies = new ArrayList<>();
        JsonArray stsb = JsonParser.parseString(Files.readString(Path.of(System.getProperty("rerank.testdata", "../testdata"))
                .resolve("tokenizer-golden.json"))).getAsJsonObject().getAsJsonArray("stsb_test_pairs");
        for (int c = 0; c < 32; c++) {
            JsonObject body = new JsonObject();
            body.addProperty("query", stsb.get(c).getAsJsonObject().get("a").getAsString());
            JsonArray texts = new JsonArray();
            for (int d = 0; d < 8; d++) {
                texts.add(stsb.get(c * 8 + d).getAsJsonObject().get("b").getAsString());
            }
            body.add("texts", texts);
            bodies.add(body.toString());
        }
        List<String> sequential = new ArrayList<>();
        for (String b : bodies) {
            sequential.add(post(server, "/rerank", b).raw().body());
        }
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (String b : bodies) {
                calls.add(() -> post(server, "/rerank", b).raw().body());
            }
            List<Future<String>> results = pool.invokeAll(calls);
            for (int i = 0; i < bodies.size(); i++) {
                assertEquals(sequential.get(i), results.get(i).get(), "client " + i);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        Settings settings = Settings.of("tiny", "127.0.0.1", 0).withLimits(Limits.defaults().withMaxQueuedPairs(4));
        try (RerankServer small = new RerankServer(model, settings)) {
            JsonArray texts = new JsonArray();
            for (int i = 0; i < 16; i++) {
                texts.add("document " + i + " talks about many things at length" + " and more".repeat(150));
            }
            String big = "{\"query\": \"q\", \"texts\": " + texts + "}";
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Reply> first = pool.submit(() -> post(small, "/rerank", big));
                // Once the big request is waiting in the queue, a small one must be turned away.
                Reply refused = null;
                while (refused == null && !first.isDone()) {
                    HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port()
                            + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (queuedPairs(m.body()) > 4) {
                        refused = post(small, "/rerank", "{\"query\": \"q\", \"texts\": [\"a\", \"b\"]}");
                        assertEquals(503, refused.status(), refused.raw().body());
                    }
                }
                assertEquals(200, first.get().status(), "the request already queued completes");
                assertTrue(refused != null, "no request was refused while the queue was full");
                assertEquals("1", refused.raw().headers().firstValue("Retry-After").orElse(null));
                assertTrue(refused.body().getAsJsonObject().get("error").getAsString().startsWith("overloaded"));
            } finally {
                pool.shutdown();
            }
        }
    }

    private static int queuedPairs(String metrics) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("rerank_queue_pairs ")) {
                return Integer.parseInt(line.substring("rerank_queue_pairs ".length()).strip());
            }
        }
        throw new AssertionError("no rerank_queue_pairs in " + metrics);
    }
}
