package dev.rerank.serve;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batching across requests: pairs from concurrent requests wait in one queue, and a single worker
 * scores whatever has gathered as one call to the model, which sorts them by length and runs them
 * in batches without padding. Because the engine's results do not depend on what else is in a
 * batch, every request still gets exactly the scores it would get alone.
 *
 * <p>The queue is bounded in pairs; when it is full a request is refused at once (the server turns
 * that into 503 + Retry-After) rather than piling up.
 */
final class Batcher implements AutoCloseable {
    /** Raised when the queue is full. */
    static final class OverloadedException extends RuntimeException {
        OverloadedException(String message) {
            super(message, null, false, false);
        }
    }

    private record Job(List<Pair> pairs, CompletableFuture<float[][]> result) {}

    private final CrossEncoder model;
    private final int maxQueuedPairs;
    private final int maxBatchPairs;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedPairs = new AtomicInteger();
    private final Thread worker;
    private volatile boolean running = true;

    Batcher(CrossEncoder model, int maxQueuedPairs, int maxBatchPairs) {
        this.model = model;
        this.maxQueuedPairs = maxQueuedPairs;
        this.maxBatchPairs = maxBatchPairs;
        this.worker = Thread.ofPlatform().name("rerank-batcher").daemon(true).start(this::loop);
    }

    /** Logits for the pairs, once a batch containing them has run. */
    CompletableFuture<float[][]> submit(List<Pair> pairs) {
        if (!running) {
            throw new OverloadedException("the server is shutting down");
        }
        if (pairs.isEmpty()) {
            return CompletableFuture.completedFuture(new float[0][]);
        }
        int after = queuedPairs.addAndGet(pairs.size());
        if (after > maxQueuedPairs && after != pairs.size()) {
            queuedPairs.addAndGet(-pairs.size());
            throw new OverloadedException("the queue holds " + (after - pairs.size()) + " pairs; try again shortly");
        }
        Job job = new Job(pairs, new CompletableFuture<>());
        queue.add(job);
        return job.result();
    }

    /** Pairs waiting to be scored (for /metrics). */
    int queuedPairs() {
        return queuedPairs.get();
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            Job first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue;
            }
            if (first == null) {
                continue;
            }
            List<Job> jobs = new ArrayList<>();
            jobs.add(first);
            int pairs = first.pairs().size();
            for (Job next; pairs < maxBatchPairs && (next = queue.peek()) != null; ) {
                if (pairs + next.pairs().size() > maxBatchPairs) {
                    break;
                }
                jobs.add(queue.poll());
                pairs += next.pairs().size();
            }
            run(jobs, pairs);
        }
    }

    private void run(List<Job> jobs, int count) {
        List<Pair> all = new ArrayList<>(count);
        for (Job j : jobs) {
            all.addAll(j.pairs());
        }
        try {
            float[][] logits = model.predict(all, CrossEncoder.Output.LOGITS);
            int at = 0;
            for (Job j : jobs) {
                float[][] mine = new float[j.pairs().size()][];
                System.arraycopy(logits, at, mine, 0, mine.length);
                at += mine.length;
                j.result().complete(mine);
            }
        } catch (RuntimeException | Error e) {
            for (Job j : jobs) {
                j.result().completeExceptionally(e);
            }
        } finally {
            queuedPairs.addAndGet(-count);
        }
    }

    /** Stops taking work, scores what is queued, and waits up to {@code millis} for that to finish. */
    void drain(long millis) {
        running = false;
        try {
            worker.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drain(0);
    }
}
