package dev.rerank.serve.http;

import dev.rerank.testkit.Fuzz;
import dev.rerank.testkit.Mutator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fuzz pass over the HTTP/1.1 request parser (issue 17): mutated request bytes go through
 * {@link RequestReader} in memory (no socket per input), one connection's worth at a time, as
 * many requests as it holds. Each request must come out whole — a method and a path, a body of
 * exactly its Content-Length, within the size limit — or the reader must answer an
 * {@link HttpError} with a short message; never another exception, a hang or an out-of-memory.
 *
 * <p>CI runs {@link Fuzz#INPUTS} inputs; the long run is {@code mvn -B -pl tokenizer,engine,server test
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest='HttpFuzzTest' -Drerank.fuzz.inputs=1000000}.
 */
class HttpFuzzTest {
    private static final HttpLimits LIMITS = HttpLimits.defaults();
    private static final String BODY = "{\"query\": \"q\", \"texts\": [\"a\", \"b\"]}";

    private static final List<String> SEEDS = List.of(
            "POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length()
                    + "\r\n\r\n" + BODY,
            "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /info?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n",
            "POST /v1/rerank HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"que\r\n1d;ext=1\r\nry\": \"q\", \"documents\": [\"a\"]}\r\n"
                    + "0\r\nTrailer: t\r\n\r\n",
            "POST /embed HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 15\r\n\r\n{\"inputs\": \"a\"}",
            "POST /predict HTTP/1.1\nContent-Length: 2\nX-Dup: a\nX-Dup: b\n\n{}");

    /** Header lines and values that framing code gets wrong: lengths at the edges, both framings, folding. */
    private static final String[] ODD_LINES = {"Content-Length: 0", "Content-Length: -1", "Content-Length: 99999999",
            "Content-Length: 9223372036854775807", "Content-Length: 9223372036854775808", "Content-Length: 1e3",
            "Content-Length: 00000000000000000000005", "Content-Length: 5, 6", "Content-Length:", "Transfer-Encoding: chunked",
            "Transfer-Encoding: gzip, chunked", "Expect: 100-continue", "Expect: nothing", " folded: line", "\tx", ":",
            "Host", "0", "ffffffff", "7fffffffffffffff", "-1", "0;", "\r", "", "GET / HTTP/1.1", "GET / HTTP/2.0", "GET  HTTP/1.1",
            "x".repeat(9000)};

    private static void parseAll(byte[] input) throws IOException {
        RequestReader reader = new RequestReader(new ByteArrayInputStream(input), millis -> { }, LIMITS);
        ByteArrayOutputStream continues = new ByteArrayOutputStream();
        for (int n = 0; reader.awaitRequest(); n++) {
            Request r = reader.read(continues);
            if (n > input.length || r.method().isEmpty() || r.path().isEmpty() || r.body().length > LIMITS.maxBodyBytes()) {
                throw new AssertionError("request " + n + " is not whole: " + r.method() + " " + r.path() + ", "
                        + r.body().length + "-byte body");
            }
            String length = r.header("content-length");
            if (length != null && r.header("transfer-encoding") == null && Long.parseLong(length) != r.body().length) {
                throw new AssertionError("Content-Length " + length + " but a body of " + r.body().length + " bytes");
            }
            reader.finish();
        }
    }

    private static byte[] mutate(Mutator m, byte[] seed, byte[] other) {
        return m.coin() ? m.lines(new String(seed, StandardCharsets.ISO_8859_1), ODD_LINES).getBytes(StandardCharsets.ISO_8859_1)
                : m.bytes(seed, other);
    }

    @Test
    void requestParsing() throws IOException {
        Fuzz f = new Fuzz("http-request", HttpFuzzTest::parseAll, HttpError.class);
        Fuzz.Report seedsOnly = f.run(SEEDS.stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList(), 20, 0,
                (m, ab) -> ab[0]);
        if (seedsOnly.accepted() != seedsOnly.tried()) {
            throw new AssertionError("a seed does not parse: " + seedsOnly.line());
        }
        Fuzz.assertClean(f.replay(Path.of(System.getProperty("rerank.testdata", "../testdata"), "fuzz-corpus", "http-request")));
        Fuzz.assertClean(f.run(SEEDS.stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList(), Fuzz.INPUTS,
                Fuzz.SEED, (m, ab) -> mutate(m, ab[0], ab[1])));
    }
}
