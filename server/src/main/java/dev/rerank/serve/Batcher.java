package dev.rerank.serve;

import dev.rerank.tokenizer.Encoding;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batching across requests, fairly. Encoded pairs from concurrent requests wait here; one worker
 * builds each forward pass from a token budget, taking one pair from every waiting request in
 * turn until the budget is spent. A request of 1,000 documents is therefore scored a batch at a
 * time, and a small request that arrives meanwhile rides in the next batch instead of waiting
 * for all 1,000 (head-of-line blocking). Because the engine's results do not depend on what else
 * is in a batch, every request still gets exactly the scores it would get alone.
 *
 * <p>The queue is bounded in pairs; when it is full a request is refused at once (503 +
 * Retry-After) rather than piling up.
 */
final class Batcher {
    /** Raised when the queue is full or the server is stopping. */
    static final class OverloadedException extends RuntimeException {
        OverloadedException(String message) {
            super(message, null, false, false);
        }
    }

    /** One request's pairs: {@code next} is the first not yet taken into a batch, {@code done} counts scored ones. */
    private static final class Job {
        final List<Encoding> pairs;
        final float[][] logits;
        final CompletableFuture<float[][]> result = new CompletableFuture<>();
        int next;
        int done;

        Job(List<Encoding> pairs) {
            this.pairs = pairs;
            this.logits = new float[pairs.size()][];
        }
    }

    private record Slot(Job job, int index) {}

    /** What a forward pass computes for a batch of encodings: logits or embeddings, one row each. */
    interface Compute {
        float[][] apply(List<Encoding> batch);
    }

    /** After this long without work the worker calls {@code idle} (once per idle spell). */
    static final long IDLE_NANOS = 2_000_000_000L;

    private final Compute compute;
    private final Runnable idle;
    private final int maxQueuedPairs;
    private final int maxBatchTokens;
    private final LinkedBlockingQueue<Job> incoming = new LinkedBlockingQueue<>();
    /** Requests with pairs not yet taken, in arrival order; only the worker touches it. */
    private final LinkedHashSet<Job> waiting = new LinkedHashSet<>();
    private final AtomicInteger queuedPairs = new AtomicInteger();
    private final Thread worker;
    private volatile boolean accepting = true;
    private volatile boolean running = true;

    /** @param idle called on the worker thread once the queue has been empty for {@link #IDLE_NANOS} after work */
    Batcher(Compute compute, int maxQueuedPairs, int maxBatchTokens, Runnable idle) {
        this.compute = compute;
        this.idle = idle;
        this.maxQueuedPairs = maxQueuedPairs;
        this.maxBatchTokens = maxBatchTokens;
        this.worker = Thread.ofPlatform().name("rerank-batcher").daemon(true).start(this::loop);
    }

    /** Logits for the encoded pairs, once the batches holding them have run. */
    CompletableFuture<float[][]> submit(List<Encoding> pairs) {
        if (!accepting) {
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
        Job job = new Job(pairs);
        incoming.add(job);
        return job.result;
    }

    /** Pairs waiting to be scored (for /metrics). */
    int queuedPairs() {
        return queuedPairs.get();
    }

    private void loop() {
        long lastWork = System.nanoTime();
        boolean idled = true;
        while (running) {
            if (waiting.isEmpty()) {
                try {
                    Job first = incoming.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (!idled && System.nanoTime() - lastWork > IDLE_NANOS) {
                            idled = true;
                            idle.run(); // e.g. drop the model's buffers, so the memory of a burst goes back
                        }
                        continue;
                    }
                    waiting.add(first);
                } catch (InterruptedException e) {
                    continue;
                }
            }
            for (Job j; (j = incoming.poll()) != null; ) {
                waiting.add(j);
            }
            run(nextBatch());
            lastWork = System.nanoTime();
            idled = false;
        }
        failAll(new OverloadedException("the server stopped before this request was scored"));
    }

    /** One pair from each waiting request in turn, until the token budget is spent (at least one pair). */
    private List<Slot> nextBatch() {
        List<Slot> batch = new ArrayList<>();
        long tokens = 0;
        boolean progress = true;
        while (progress && tokens < maxBatchTokens) {
            progress = false;
            for (Iterator<Job> it = waiting.iterator(); it.hasNext(); ) {
                Job j = it.next();
                int length = j.pairs.get(j.next).length();
                if (!batch.isEmpty() && tokens + length > maxBatchTokens) {
                    continue;
                }
                batch.add(new Slot(j, j.next++));
                tokens += length;
                progress = true;
                if (j.next == j.pairs.size()) {
                    it.remove();
                }
            }
        }
        return batch;
    }

    private void run(List<Slot> batch) {
        List<Encoding> pairs = new ArrayList<>(batch.size());
        for (Slot s : batch) {
            pairs.add(s.job.pairs.get(s.index));
        }
        try {
            float[][] logits = compute.apply(pairs);
            for (int i = 0; i < batch.size(); i++) {
                Job j = batch.get(i).job;
                j.logits[batch.get(i).index] = logits[i];
                if (++j.done == j.pairs.size()) {
                    j.result.complete(j.logits);
                }
            }
        } catch (RuntimeException | Error e) {
            // Every request with a pair in the failed batch fails whole; its other pairs are dropped.
            for (Slot s : batch) {
                if (s.job.result.completeExceptionally(e)) {
                    waiting.remove(s.job);
                    queuedPairs.addAndGet(-(s.job.pairs.size() - s.job.next));
                }
            }
        } finally {
            queuedPairs.addAndGet(-batch.size());
        }
    }

    private void failAll(RuntimeException e) {
        for (Job j; (j = incoming.poll()) != null; ) {
            waiting.add(j);
        }
        for (Job j : waiting) {
            j.result.completeExceptionally(e);
        }
        waiting.clear();
    }

    /** Refuses new work from now on; what is queued is still scored until {@link #stop}. */
    void stopAccepting() {
        accepting = false;
    }

    /**
     * Stops the worker after its current batch; requests still waiting fail. Returns whether the
     * worker finished within {@code millis} (false: it is still inside a forward pass).
     */
    boolean stop(long millis) {
        accepting = false;
        running = false;
        try {
            worker.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !worker.isAlive();
    }
}
