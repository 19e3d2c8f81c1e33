package dev.rerank.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP layer against clients that frame requests wrongly or send too slowly, on loopback with
 * raw sockets. Every answer is a 4xx JSON error naming the problem, without Java internals, and
 * within the configured time.
 */
class Http1ServerTest {
    private static final Handler ECHO = r -> Response.text(200, "text/plain", r.method() + " " + r.path() + " "
            + new String(r.body(), StandardCharsets.UTF_8));
    private static final HttpLimits FAST = HttpLimits.defaults().withTimeouts(Duration.ofMillis(800), Duration.ofMillis(800),
            Duration.ofMillis(1500));

    private Http1Server server;

    private Http1Server start(HttpLimits limits) throws IOException {
        server = new Http1Server("127.0.0.1", 0, limits, ECHO);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void assertJsonError(RawClient.Answer a, int status, String message) {
        assertEquals(status, a.status(), a.head() + a.body());
        assertTrue(a.head().contains("Content-Type: application/json"), a.head());
        assertTrue(a.body().startsWith("{\"error\":\""), a.body());
        assertTrue(a.body().contains(message), () -> "expected '" + message + "' in " + a.body());
        assertFalse(a.body().contains("java") || a.body().contains("Exception"), a.body());
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        start(FAST);
        try (RawClient c = new RawClient(server.port())) {
            for (int i = 0; i < 3; i++) {
                RawClient.Answer a = c.send("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").answer();
                assertEquals(200, a.status());
                assertEquals("POST /x hello", a.body());
            }
            RawClient.Answer a = c.send("POST /y?q=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n").answer();
            assertEquals("POST /y abcde", a.body());
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthIs400WhenTheClientStopsSending() throws Exception {
        start(FAST);
        try (RawClient c = new RawClient(server.port())) {
            c.send("POST /x HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"query\": \"q\"}");
            c.socket.shutdownOutput();
            assertJsonError(c.answer(), 400, "ended after 14 of the 100 bytes");
        }
    }

    @Test
    void aBodyThatStopsArrivingIs408WithinTheBodyTimeout() throws Exception {
        start(FAST.withMaxBodyBytes(200_000_000));
        try (RawClient c = new RawClient(server.port())) {
            long t = System.nanoTime();
            c.send("POST /rerank HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n{\"query\": \"q\", \"texts\": [");
            assertJsonError(c.answer(), 408, "the request body did not arrive within 800 ms");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            assertTrue(ms >= 700 && ms < 5000, "answered after " + ms + " ms");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aContentLengthOverThePayloadLimitIs413AtOnceWithoutReadingTheBody() throws Exception {
        start(FAST);
        for (String length : new String[] {"99999999", "9223372036854775807", "99999999999999999999999"}) {
            try (RawClient c = new RawClient(server.port())) {
                c.send("POST /x HTTP/1.1\r\nContent-Length: " + length + "\r\n\r\n27 bytes of a body held open");
                assertJsonError(c.answer(), 413, "larger than the limit of 2000000 bytes");
            }
        }
    }

    @Test
    void malformedFramingIs400() throws Exception {
        start(FAST);
        String[][] cases = {
                {"POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n", "invalid Content-Length '-5'"},
                {"POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n", "invalid Content-Length"},
                {"POST /x HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "conflicting Content-Length"},
                {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "invalid chunk size 'zz'"},
                {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffff\r\n", "invalid chunk size"},
                {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n", "longer than its size"},
                {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "both Content-Length and Transfer-Encoding"},
                {"GARBAGE\r\n\r\n", "malformed request line"},
                {"GET /x HTTP/1.1\r\nno colon here\r\n\r\n", "malformed header line"},
                {"GET /x HTTP/1.1\r\nHost : h\r\n\r\n", "malformed header line"},
                // Found by the fuzz pass: a target without a path was handed on with an empty one.
                {"GET ?health HTTP/1.1\r\n\r\n", "malformed request target"},
        };
        for (String[] c : cases) {
            try (RawClient client = new RawClient(server.port())) {
                client.send(c[0]);
                assertJsonError(client.answer(), 400, c[1]);
            }
        }
        try (RawClient client = new RawClient(server.port())) {
            assertJsonError(client.send("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").answer(), 501, "gzip");
        }
        try (RawClient client = new RawClient(server.port())) {
            assertJsonError(client.send("GET /x HTTP/2.0\r\n\r\n").answer(), 505, "HTTP/1.1");
        }
        try (RawClient client = new RawClient(server.port())) {
            assertJsonError(client.send("GET /" + "x".repeat(10_000) + " HTTP/1.1\r\n\r\n").answer(), 414, "request line longer");
        }
    }

    @Test
    void expectContinueGets100ThenAShortBodyIs400() throws Exception {
        start(FAST);
        try (RawClient c = new RawClient(server.port())) {
            c.send("POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 50\r\n\r\n");
            RawClient.Answer cont = c.answer();
            assertEquals(100, cont.status(), cont.head());
            c.send("only ten b");
            c.socket.shutdownOutput();
            assertJsonError(c.answer(), 400, "ended after 10 of the 50 bytes");
        }
        try (RawClient c = new RawClient(server.port())) {
            c.send("POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertEquals(100, c.answer().status());
            assertEquals("POST /x hello", c.send("hello").answer().body());
        }
    }

    @Test
    void headersDribbledALineAtATimeAreCutOffAtTheHeaderTimeout() throws Exception {
        start(FAST);
        try (RawClient c = new RawClient(server.port())) {
            long t = System.nanoTime();
            c.send("GET /x HTTP/1.1\r\n");
            RawClient.Answer a = null;
            for (int i = 0; i < 20 && a == null; i++) {
                Thread.sleep(200);
                try {
                    c.send("X-Slow-" + i + ": 1\r\n");
                } catch (IOException closed) {
                    break;
                }
                if (c.socket.getInputStream().available() > 0) {
                    a = c.answer();
                }
            }
            if (a == null) {
                a = c.answer();
            }
            assertJsonError(a, 408, "the request headers did not arrive within 800 ms");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            assertTrue(ms < 3000, "cut off after " + ms + " ms");
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start(FAST);
        try (RawClient c = new RawClient(server.port())) {
            assertEquals(200, c.send("GET /x HTTP/1.1\r\n\r\n").answer().status());
            long t = System.nanoTime();
            assertTrue(c.closedByServer(), "the idle connection stayed open");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
            assertTrue(ms >= 1000 && ms < 5000, "closed after " + ms + " ms");
        }
    }

    @Test
    void slowlorisClientsAreCappedAndDroppedAndOthersAreServedAfterwards() throws Exception {
        start(FAST.withMaxConnections(4));
        List<RawClient> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                slow.add(new RawClient(server.port()).send("POST /x HTTP/1.1\r\n"));
            }
            Thread.sleep(100);
            assertEquals(4, server.connections());
            // Over the request slots: answered 503 at once, not queued behind the slow ones.
            for (int i = 0; i < 20; i++) {
                try (RawClient extra = new RawClient(server.port())) {
                    assertJsonError(extra.send("GET /x HTTP/1.1\r\n\r\n").answer(), 503, "too many requests in progress");
                }
            }
            for (RawClient c : slow) {
                assertJsonError(c.answer(), 408, "request headers did not arrive");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.connections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, server.connections(), "slow connections still held");
            try (RawClient ok = new RawClient(server.port())) {
                assertEquals(200, ok.send("GET /x HTTP/1.1\r\n\r\n").answer().status());
            }
        } finally {
            for (RawClient c : slow) {
                c.close();
            }
        }
    }
}
