package dev.rerank.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.CrossEncoder;
import dev.rerank.serve.http.HttpLimits;
import dev.rerank.serve.http.RawClient;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections that send nothing (issue 28, item 3), over real sockets: 256 of them used to hold
 * every connection slot, so everyone else got 503 for a minute. A silent or idle connection now
 * holds no request slot, a new one is closed unanswered when its head does not come within the
 * header timeout, and when the open connections run out the one idle longest makes room.
 */
class SilentConnectionsTest {
    private static CrossEncoder model;

    @BeforeAll
    static void load() {
        model = CrossEncoder.builder(TestClient.testdata().resolve("models/tiny-roberta")).threads(1).build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static RerankServer server(HttpLimits http) throws Exception {
        return new RerankServer(model, Settings.of("tiny", "127.0.0.1", 0).withHttp(http));
    }

    private static void closeAll(List<Socket> sockets) throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void twoHundredFiftySixSilentSocketsDoNotStopANormalClient() throws Exception {
        HttpLimits http = HttpLimits.defaults();
        assertEquals(256, http.maxConnections());
        try (RerankServer server = server(http)) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 256; i++) {
                    silent.add(new Socket("127.0.0.1", server.port()));
                }
                long start = System.nanoTime();
                TestClient.Reply r = TestClient.post(server.port(), "/rerank", "{\"query\": \"q\", \"texts\": [\"a\", \"b\"]}");
                assertEquals(200, r.status(), r.raw().body());
                assertTrue(System.nanoTime() - start < http.headerTimeout().toNanos(), "answered within the head deadline");
            } finally {
                closeAll(silent);
            }
        }
    }

    @Test
    void aNewConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws Exception {
        try (RerankServer server = server(HttpLimits.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(60)));
             RawClient silent = new RawClient(server.port())) {
            long start = System.nanoTime();
            assertTrue(silent.closedByServer(), "closed within the client's 10 s (idle timeout 60 s)");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 900 && millis < 9_000, millis + " ms");
        }
    }

    @Test
    void whenConnectionsRunOutTheLongestIdleIsClosedForANewClient() throws Exception {
        HttpLimits http = HttpLimits.defaults().withMaxConnections(2)
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60));
        assertEquals(8, http.maxOpenConnections());
        try (RerankServer server = server(http)) {
            List<RawClient> silent = new ArrayList<>();
            try {
                for (int i = 0; i < http.maxOpenConnections(); i++) {
                    silent.add(new RawClient(server.port()));
                    Thread.sleep(5); // distinct idle times: the first is the oldest
                }
                Thread.sleep(200); // every one accepted
                try (RawClient client = new RawClient(server.port())) {
                    RawClient.Answer a = client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").answer();
                    assertEquals(200, a.status(), a.body());
                }
                assertTrue(silent.get(0).closedByServer(), "the longest idle connection made room");
                silent.get(silent.size() - 1).socket.setSoTimeout(300);
                assertFalse(silent.get(silent.size() - 1).closedByServer(), "the newest idle one stays");
            } finally {
                for (RawClient c : silent) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aRequestOverTheSlotsIs503AndTheSlotsComeBack() throws Exception {
        HttpLimits http = HttpLimits.defaults().withMaxConnections(1)
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60));
        try (RerankServer server = server(http);
             RawClient slow = new RawClient(server.port());
             RawClient other = new RawClient(server.port())) {
            slow.send("POST /rerank HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"); // holds the one slot, reading its body
            Thread.sleep(200);
            RawClient.Answer refused = other.send("GET /health HTTP/1.1\r\n\r\n").answer();
            assertEquals(503, refused.status(), refused.body());
            slow.close();
            Thread.sleep(200);
            try (RawClient next = new RawClient(server.port())) {
                assertEquals(200, next.send("GET /health HTTP/1.1\r\n\r\n").answer().status());
            }
        }
    }
}
