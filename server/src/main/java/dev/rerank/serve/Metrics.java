package dev.rerank.serve;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;

/** Request counters and a latency histogram, written in the Prometheus text format. */
final class Metrics {
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length + 1);
    private final AtomicLong latencyCount = new AtomicLong();
    private final AtomicLong latencyNanos = new AtomicLong();
    private final AtomicLong pairsScored = new AtomicLong();
    private final IntSupplier queueDepth;

    Metrics(IntSupplier queueDepth) {
        this.queueDepth = queueDepth;
    }

    void request(String endpoint, int status, long nanos) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new AtomicLong()).incrementAndGet();
        double seconds = nanos / 1e9;
        int b = 0;
        while (b < BUCKETS.length && seconds > BUCKETS[b]) {
            b++;
        }
        buckets.incrementAndGet(b);
        latencyCount.incrementAndGet();
        latencyNanos.addAndGet(nanos);
    }

    void pairsScored(int n) {
        pairsScored.addAndGet(n);
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP rerank_requests_total HTTP requests by endpoint and status.\n");
        out.append("# TYPE rerank_requests_total counter\n");
        requests.forEach((key, count) -> {
            String[] parts = key.split("\u0000");
            out.append("rerank_requests_total{endpoint=\"").append(parts[0]).append("\",status=\"").append(parts[1])
                    .append("\"} ").append(count.get()).append('\n');
        });
        out.append("# HELP rerank_request_duration_seconds Request latency.\n");
        out.append("# TYPE rerank_request_duration_seconds histogram\n");
        long cumulative = 0;
        for (int b = 0; b < BUCKETS.length; b++) {
            cumulative += buckets.get(b);
            out.append(String.format(Locale.ROOT, "rerank_request_duration_seconds_bucket{le=\"%s\"} %d%n", BUCKETS[b], cumulative));
        }
        cumulative += buckets.get(BUCKETS.length);
        out.append("rerank_request_duration_seconds_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append(String.format(Locale.ROOT, "rerank_request_duration_seconds_sum %.6f%n", latencyNanos.get() / 1e9));
        out.append("rerank_request_duration_seconds_count ").append(latencyCount.get()).append('\n');
        out.append("# HELP rerank_pairs_scored_total Text pairs scored.\n# TYPE rerank_pairs_scored_total counter\n");
        out.append("rerank_pairs_scored_total ").append(pairsScored.get()).append('\n');
        out.append("# HELP rerank_queue_pairs Pairs waiting for the model.\n# TYPE rerank_queue_pairs gauge\n");
        out.append("rerank_queue_pairs ").append(queueDepth.getAsInt()).append('\n');
        return out.toString();
    }
}
