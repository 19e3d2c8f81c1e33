package dev.rerank.serve;

/**
 * One API the server speaks (text-embeddings-inference's /rerank, Cohere's /v1/rerank, ...): it
 * parses its own request shape, scores through the shared {@link Scorer}, and writes its own
 * response shape. A new API is one more class that registers its endpoints here.
 */
interface Dialect {
    void register(Router router);
}
