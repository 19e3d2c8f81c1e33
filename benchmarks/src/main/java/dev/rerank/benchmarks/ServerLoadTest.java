package dev.rerank.benchmarks;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.CrossEncoder;
import dev.rerank.serve.RerankServer;
import dev.rerank.serve.Settings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * request from 1, 8 and 32 concurrent clients, each level for a fixed time; then small requests
 * beside a stream of large (200-document) ones, to show head-of-line blocking or its absence;
 * then one longer run that samples resident memory, followed by an idle period to show whether
 * the memory goes back. Prints a Markdown section for RESULTS.md. It stops by itself.
 *
 * <p>usage: ServerLoadTest LABEL MODEL_DIR SECONDS_PER_LEVEL SOAK_SECONDS [IDLE_SECONDS]
 */
public final class ServerLoadTest {
    private ServerLoadTest() {}

    record Level(int clients, long requests, long errors, double seconds, double p50, double p99) {}

    public static void main(String[] args) throws Exception {
        String label = args[0];
        Path model = Path.of(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int soak = Integer.parseInt(args[3]);
        int idle = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        List<String> bodies = requestBodies(8);
        StringBuilder md = new StringBuilder();
        try (CrossEncoder encoder = CrossEncoder.builder(model).threads(2).build();
             RerankServer server = new RerankServer(encoder, Settings.of(label, "127.0.0.1", 0))) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/rerank");
            run(uri, bodies, 4, 3); // warm-up
            md.append(String.format(Locale.ROOT, "### %s%n%n| clients | requests/s | pairs/s | p50 ms | p99 ms | errors |%n|---|---|---|---|---|---|%n", label));
            for (int clients : new int[] {1, 8, 32}) {
                Level l = run(uri, bodies, clients, seconds);
                md.append(String.format(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.1f | %d |%n", clients, l.requests / l.seconds,
                        8 * l.requests / l.seconds, l.p50, l.p99, l.errors));
            }
            mixed(uri, bodies, seconds, md);
            if (soak > 0) {
                soak(uri, bodies, soak, idle, md);
            }
        }
        System.out.println(md);
    }

    /** 4 clients of 8-document requests beside 1 client sending 200-document requests back to back. */
    private static void mixed(URI uri, List<String> small, int seconds, StringBuilder md) throws Exception {
        List<String> large = requestBodies(200);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Level> big = pool.submit(() -> run(uri, large, 1, seconds));
            Thread.sleep(200); // the large stream is running first
            Level s = run(uri, small, 4, seconds);
            Level b = big.get();
            md.append(String.format(Locale.ROOT, "%nSmall requests (8 documents, 4 clients) beside a stream of 200-document requests (1 client): "
                    + "small p50 %.1f ms, p99 %.1f ms (%d requests); large p50 %.1f ms (%d requests); %d errors.%n",
                    s.p50, s.p99, s.requests, b.p50, b.requests, s.errors + b.errors));
        }
    }

    /** 32 clients for {@code seconds} sampling resident memory, then {@code idle} seconds without requests. */
    private static void soak(URI uri, List<String> bodies, int seconds, int idle, StringBuilder md) throws Exception {
        long start = Footprint.rssKb();
        long[] peak = {start};
        Thread sampler = Thread.ofPlatform().daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    peak[0] = Math.max(peak[0], Footprint.rssKb());
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        Level l = run(uri, bodies, 32, seconds);
        sampler.interrupt();
        long afterLoad = Footprint.rssKb();
        md.append(String.format(Locale.ROOT, "%n%d s at 32 clients: %d requests, %d errors. Resident memory (%s): %.0f MB before, "
                + "%.0f MB peak, %.0f MB at the end", seconds, l.requests, l.errors, collectors(), start / 1024.0, peak[0] / 1024.0,
                afterLoad / 1024.0));
        if (idle > 0) {
            Thread.sleep(idle * 1000L);
            md.append(String.format(Locale.ROOT, ", %.0f MB after %d s idle", Footprint.rssKb() / 1024.0, idle));
        }
        md.append(".\n");
    }

    private static String collectors() {
        List<String> names = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(b -> names.add(b.getName()));
        return String.join(" + ", names);
    }

    /** One query and {@code documents} documents per request, from the STS-B test sentences. */
    static List<String> requestBodies(int documents) throws IOException {
        List<dev.rerank.CrossEncoder.Pair> pairs = Race.stsbPairs();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i + documents <= pairs.size(); i += documents) {
            JsonObject body = new JsonObject();
            body.addProperty("query", pairs.get(i).a());
            JsonArray texts = new JsonArray();
            for (int d = 0; d < documents; d++) {
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
