package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import dev.rerank.CrossEncoder;
import dev.rerank.serve.TestClient.Reply;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Head-of-line blocking: a small request sent while a large one is being scored is scored in the
 * next batch, not after the whole large request, and its scores are bit-identical to scoring it
 * alone.
 */
class FairSchedulingTest {
    @Test
    void aSmallRequestDoesNotWaitForALargeOneAndScoresTheSame() throws Exception {
        String small = "{\"query\": \"a man is eating\", \"texts\": [\"a man eats food\", \"a child plays\", \"the sky is blue\"]}";
        JsonArray texts = new JsonArray();
        for (int i = 0; i < 100; i++) {
            texts.add("document " + i + " is long and talks about many things" + " again and again".repeat(40));
        }
        String large = "{\"query\": \"q\", \"texts\": " + texts + "}";
        try (CrossEncoder model = CrossEncoder.builder(TestClient.testdata().resolve("models/tiny-roberta")).threads(1).build();
             RerankServer server = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0)
                     .withLimits(Limits.defaults().withMaxBatchTokens(1024)));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = server.port();
            // Warm up (the first long batches run interpreted code), then score the small request alone.
            JsonArray few = new JsonArray();
            for (int i = 0; i < 6; i++) {
                few.add(texts.get(i));
            }
            TestClient.post(port, "/rerank", "{\"query\": \"q\", \"texts\": " + few + "}");
            String alone = TestClient.post(port, "/rerank", small).raw().body();
            CompletableFuture<Long> largeDone = new CompletableFuture<>();
            Future<Reply> big = pool.submit(() -> {
                Reply r = TestClient.post(port, "/rerank", large);
                largeDone.complete(System.nanoTime());
                return r;
            });
            // Wait until the large request is being scored (its pairs are queued), then send the small one.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!TestClient.send(port, "GET", "/metrics").raw().body().matches("(?s).*rerank_queue_pairs [5-9][0-9]\\n.*")
                    && !big.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long sent = System.nanoTime();
            Reply beside = TestClient.post(port, "/rerank", small);
            long smallDone = System.nanoTime();
            assertEquals(200, big.get().status());
            assertEquals(alone, beside.raw().body(), "scores beside a large request differ from scores alone");
            long largeMs = (largeDone.get() - sent) / 1_000_000;
            long smallMs = (smallDone - sent) / 1_000_000;
            System.out.printf("small request beside a 100-document one: %d ms; the large one finished %d ms after it was sent%n",
                    smallMs, largeMs);
            assertTrue(smallDone < largeDone.get(), "the small request waited for the whole large one (" + smallMs + " ms)");
        }
    }
}
