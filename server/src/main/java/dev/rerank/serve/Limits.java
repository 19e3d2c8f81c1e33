package dev.rerank.serve;

/**
 * How much scoring work the server takes on.
 *
 * @param maxClientBatchSize texts (or pairs) one request may hold (TEI's {@code --max-client-batch-size})
 * @param maxQueuedPairs     pairs waiting for the model before new requests are refused with 503
 * @param maxBatchTokens     tokens in one forward pass over pairs from several requests (TEI's
 *                           {@code --max-batch-tokens}): it bounds how long a small request waits
 *                           behind a large one, since large requests are scored a batch at a time
 */
public record Limits(int maxClientBatchSize, int maxQueuedPairs, int maxBatchTokens) {
    public Limits {
        if (maxClientBatchSize < 1 || maxQueuedPairs < 1 || maxBatchTokens < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** 1,000 texts per request, 10,000 queued pairs, 4,096 tokens per batch. */
    public static Limits defaults() {
        return new Limits(1000, 10_000, 4096);
    }

    public Limits withMaxClientBatchSize(int n) {
        return new Limits(n, maxQueuedPairs, maxBatchTokens);
    }

    public Limits withMaxQueuedPairs(int n) {
        return new Limits(maxClientBatchSize, n, maxBatchTokens);
    }

    public Limits withMaxBatchTokens(int n) {
        return new Limits(maxClientBatchSize, maxQueuedPairs, n);
    }
}
