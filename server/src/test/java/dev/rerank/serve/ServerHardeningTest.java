package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.serve.http.HttpLimits;
import dev.rerank.serve.http.RawClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole server against clients whose framing is wrong or who stop sending (issue 17, items 4 and 10). */
class ServerHardeningTest {
    private static CrossEncoder model;
    private static RerankServer server;

    @BeforeAll
    static void start() throws Exception {
        model = CrossEncoder.builder(TestClient.testdata().resolve("models/tiny-roberta")).threads(1).build();
        server = new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0).withHttp(HttpLimits.defaults()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5))));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    @Test
    void aBodyShorterThanItsContentLengthIs400WithoutJavaInternals() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send("POST /rerank HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"query\": \"q\"}");
            c.socket.shutdownOutput();
            RawClient.Answer a = c.answer();
            assertEquals(400, a.status(), a.body());
            assertFalse(a.body().contains("java") || a.body().contains("Exception"), a.body());
        }
    }

    @Test
    void aClaimedBodyThatNeverArrivesIs408WithinTheTimeout() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            long t = System.nanoTime();
            c.send("POST /rerank HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n{\"query\": \"q\", \"texts\": [\"a");
            RawClient.Answer a = c.answer();
            assertEquals(408, a.status(), a.body());
            assertTrue((System.nanoTime() - t) / 1_000_000 < 5000);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aContentLengthOfTwoToThe63IsA4xx() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            RawClient.Answer a = c.send("POST /rerank HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\n{}").answer();
            assertEquals(413, a.status(), a.body());
            assertFalse(a.body().contains("java"), a.body());
        }
    }
}
