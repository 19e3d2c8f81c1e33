package dev.rerank.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.serve.RerankServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load test of {@code rerank serve}'s {@code POST /rerank} on loopback: 8 documents per
 * request from 1, 8 and 32 concurrent clients, each level for a fixed time, then one longer run
 * that samples resident memory. Prints a Markdown section for RESULTS.md. It stops by itself.
 *
 * <p>usage: ServerLoadTest LABEL MODEL_DIR SECONDS_PER_LEVEL SOAK_SECONDS
 */
public final class ServerLoadTest {
    private ServerLoadTest() {}

    record Level(int clients, long requests, long errors, double seconds, double p50, double p99) {}

    public static void main(String[] args) throws Exception {
        String label = args[0];
        Path model = Path.of(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int soak = Integer.parseInt(args[3]);
        List<String> bodies = requestBodies();
        StringBuilder md = new StringBuilder();
        try (CrossEncoder encoder = CrossEncoder.builder(model).threads(2).build();
             RerankServer server = new RerankServer(encoder, label, "127.0.0.1", 0, RerankServer.Limits.defaults())) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/rerank");
            run(uri, bodies, 4, 3); // warm-up
            md.append(String.format(Locale.ROOT, "### %s%n%n| clients | requests/s | pairs/s | p50 ms | p99 ms | errors |%n|---|---|---|---|---|---|%n", label));
            for (int clients : new int[] {1, 8, 32}) {
                Level l = run(uri, bodies, clients, seconds);
                md.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %d |%n", clients, l.requests / l.seconds,
                        8 * l.requests / l.seconds, l.p50, l.p99, l.errors));
            }
            if (soak > 0) {
                long[] rss = new long[2];
                rss[0] = Long.MAX_VALUE;
                Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            long kb = Footprint.rssKb();
                            rss[0] = Math.min(rss[0], kb);
                            rss[1] = Math.max(rss[1], kb);
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            return;
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                Level l = run(uri, bodies, 32, soak);
                sampler.interrupt();
                md.append(String.format(Locale.ROOT, "%n%d s at 32 clients: %d requests, %d errors, resident memory %.0f–%.0f MB.%n",
                        soak, l.requests, l.errors, rss[0] / 1024.0, rss[1] / 1024.0));
            }
        }
        System.out.println(md);
    }

    /** One query and 8 documents per request, from the STS-B test sentences. */
    static List<String> requestBodies() throws IOException {
        List<dev.rerank.CrossEncoder.Pair> pairs = Stsb.pairs();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i + 8 <= pairs.size(); i += 8) {
            JsonObject body = new JsonObject();
            body.addProperty("query", pairs.get(i).a());
            JsonArray texts = new JsonArray();
            for (int d = 0; d < 8; d++) {
                texts.add(pairs.get(i + d).b());
            }
            body.add("texts", texts);
            bodies.add(body.toString());
        }
        return bodies;
    }

    static Level run(URI uri, List<String> bodies, int clients, int seconds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    long[] mine = new long[1 << 16];
                    int n = 0;
                    for (int i = client; System.nanoTime() < end && n < mine.length; i += clients) {
                        long t = System.nanoTime();
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i % bodies.size()))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                        mine[n++] = System.nanoTime() - t;
                    }
                    return Arrays.copyOf(mine, n);
                }));
            }
            for (Future<long[]> f : futures) {
                latencies.add(f.get());
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Level(clients, all.length, errors.get(), elapsed, percentile(all, 0.50), percentile(all, 0.99));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1e6;
    }
}
