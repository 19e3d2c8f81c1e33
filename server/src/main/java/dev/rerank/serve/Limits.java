package dev.rerank.serve;

/**
 * How much scoring work the server takes on.
 *
 * @param maxClientBatchSize texts (or pairs) one request may hold (TEI's {@code --max-client-batch-size})
 * @param maxQueuedPairs     pairs waiting for the model before new requests are refused with 503
 * @param maxBatchTokens     tokens in one forward pass over pairs from several requests (TEI's
 *                           {@code --max-batch-tokens}): it bounds how long a small request waits
 *                           behind a large one, since large requests are scored a batch at a time
 * @param maxRequestTokens   tokens one request may hold after truncation, all its inputs together:
 *                           what bounds the work one request costs (bytes do not: a 2 MB query
 *                           paired with 1,000 short texts is 1,000 pairs of full length)
 */
public record Limits(int maxClientBatchSize, int maxQueuedPairs, int maxBatchTokens, int maxRequestTokens) {
    /** 262,144 tokens: 1,000 pairs of 262 tokens, or 512 of a 512-token model's full length. */
    public static final int DEFAULT_MAX_REQUEST_TOKENS = 262_144;

    public Limits {
        if (maxClientBatchSize < 1 || maxQueuedPairs < 1 || maxBatchTokens < 1 || maxRequestTokens < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public Limits(int maxClientBatchSize, int maxQueuedPairs, int maxBatchTokens) {
        this(maxClientBatchSize, maxQueuedPairs, maxBatchTokens, DEFAULT_MAX_REQUEST_TOKENS);
    }

    /** 1,000 texts per request, 10,000 queued pairs, 4,096 tokens per batch, 262,144 tokens per request. */
    public static Limits defaults() {
        return new Limits(1000, 10_000, 4096, DEFAULT_MAX_REQUEST_TOKENS);
    }

    public Limits withMaxClientBatchSize(int n) {
        return new Limits(n, maxQueuedPairs, maxBatchTokens, maxRequestTokens);
    }

    public Limits withMaxQueuedPairs(int n) {
        return new Limits(maxClientBatchSize, n, maxBatchTokens, maxRequestTokens);
    }

    public Limits withMaxBatchTokens(int n) {
        return new Limits(maxClientBatchSize, maxQueuedPairs, n, maxRequestTokens);
    }

    public Limits withMaxRequestTokens(int n) {
        return new Limits(maxClientBatchSize, maxQueuedPairs, maxBatchTokens, n);
    }
}
