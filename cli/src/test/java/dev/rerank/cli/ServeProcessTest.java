package dev.rerank.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `rerank serve` as a real process. On SIGTERM with --grace G it stops accepting, answers the
 * requests that finish within G normally and the others 503, and exits 0 within G + 1 s.
 */
class ServeProcessTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static CompletableFuture<HttpResponse<String>> post(int port, String body) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/rerank"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String documents(int n) {
        StringBuilder b = new StringBuilder("{\"query\": \"q\", \"texts\": [");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append("\"document ").append(i).append(" is long").append(" and long again".repeat(80)).append('"');
        }
        return b.append("]}").toString();
    }

    @Test
    void sigtermFinishesWhatFitsInTheGraceAnswersTheRest503AndExitsZero() throws Exception {
        Path tiny = Path.of(System.getProperty("rerank.testdata", "../testdata")).resolve("models/tiny-roberta");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), "dev.rerank.cli.Main", "serve", "--model", tiny.toString(),
                "--port", "0", "--threads", "1", "--grace", "3", "--max-batch-tokens", "1024"))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            Pattern serving = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (String line; port < 0 && System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
                Matcher m = serving.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertTrue(port > 0, "the server did not announce its port");
            assertEquals(200, post(port, documents(4)).get().statusCode()); // warm up
            // 1,000 long documents (the per-request limit; 1.2 MB): far more than the 3 s grace can score,
            // even on a fast machine (300 were once scored within it).
            CompletableFuture<HttpResponse<String>> large = post(port, documents(1000));
            // SIGTERM only once the large request is being scored (its pairs are queued).
            URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            long queued = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body()
                    .matches("(?s).*rerank_queue_pairs [1-9][0-9]{2,}\\n.*") && System.nanoTime() < queued) {
                Thread.sleep(10);
            }
            CompletableFuture<HttpResponse<String>> small = post(port,
                    "{\"query\": \"a man dances\", \"texts\": [\"a man is dancing\", \"a child rides\"]}");
            Thread.sleep(100);
            AtomicLong exited = new AtomicLong();
            CompletableFuture<Process> exit = p.onExit().whenComplete((x, e) -> exited.set(System.nanoTime()));
            long signalled = System.nanoTime();
            p.destroy(); // SIGTERM
            HttpResponse<String> s = small.get(10, TimeUnit.SECONDS);
            assertEquals(200, s.statusCode(), s.body());
            HttpResponse<String> l = large.get(10, TimeUnit.SECONDS);
            assertEquals(503, l.statusCode(), l.body());
            assertTrue(l.body().startsWith("{\"error\":\"the server is shutting down; the request did not finish within"), l.body());
            exit.get(10, TimeUnit.SECONDS);
            long ms = (exited.get() - signalled) / 1_000_000;
            assertEquals(0, p.exitValue());
            assertTrue(ms < 4000, "exited " + ms + " ms after SIGTERM with --grace 3");
        } finally {
            p.destroyForcibly();
        }
    }
}
