package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import dev.rerank.CrossEncoder;
import dev.rerank.serve.TestClient.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * stop(grace): requests that finish within the grace are answered normally; those still running
 * at its end are answered 503 (JSON) before their connection closes; stop returns soon after.
 */
class GracefulStopTest {
    static String longRequest(int documents) {
        JsonArray texts = new JsonArray();
        for (int i = 0; i < documents; i++) {
            texts.add("document " + i + " is long and talks about many things" + " again and again".repeat(80));
        }
        return "{\"query\": \"q\", \"texts\": " + texts + "}";
    }

    static final String SMALL = "{\"query\": \"a man is eating\", \"texts\": [\"a man eats food\", \"a child plays\"]}";

    @Test
    void inFlightRequestsFinishWithinTheGraceAndTheRestGet503() throws Exception {
        try (CrossEncoder model = CrossEncoder.builder(TestClient.testdata().resolve("models/tiny-roberta")).threads(1).build();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            RerankServer server = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0).withLimits(Limits.defaults().withMaxBatchTokens(1024)));
            int port = server.port();
            TestClient.post(port, "/rerank", longRequest(4)); // warm up
            Future<Reply> large = pool.submit(() -> TestClient.post(port, "/rerank", longRequest(400)));
            while (!TestClient.send(port, "GET", "/metrics").raw().body().matches("(?s).*rerank_queue_pairs [1-9][0-9]+\\n.*")) {
                Thread.sleep(5);
            }
            Future<Reply> small = pool.submit(() -> TestClient.post(port, "/rerank", SMALL));
            Thread.sleep(50); // let the small request reach the server
            long start = System.nanoTime();
            server.stop(Duration.ofMillis(1500));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, small.get().status(), small.get().raw().body());
            Reply late = large.get();
            assertEquals(503, late.status(), late.raw().body());
            assertTrue(late.error().contains("shutting down"), late.error());
            assertTrue(ms < 2500, "stop took " + ms + " ms for a grace of 1500");
            assertThrows(IOException.class, () -> TestClient.post(port, "/rerank", SMALL), "still accepting after stop");
        }
    }
}
