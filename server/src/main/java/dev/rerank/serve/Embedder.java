package dev.rerank.serve;

import dev.rerank.SentenceEncoder;
import dev.rerank.embedding.Pooling;
import dev.rerank.serve.http.HttpError;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.TruncationDirection;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * What the embedding dialects share, as {@link Scorer} is for the rerank ones: checking a
 * request's size, tokenizing each text once on the {@link RequestTokenizer}'s threads, and having the shared
 * {@link Batcher} embed it. The model runs without normalization; each request normalizes (or
 * not) after pooling, which gives exactly what {@link SentenceEncoder#encode} gives.
 */
final class Embedder {
    /** Embeddings in request order and the number of tokens they took. */
    record Embedded(float[][] vectors, long tokens) {}

    private final SentenceEncoder model;
    private final boolean modelNormalizes;
    private final Limits limits;
    private final Batcher batcher;
    private final Metrics metrics;
    private final RequestTokenizer tokenizers;

    /** @param modelNormalizes whether the model directory asks for normalized embeddings (its default) */
    Embedder(SentenceEncoder model, boolean modelNormalizes, Limits limits, Metrics metrics) {
        if (model.pooling().normalize()) {
            throw new IllegalArgumentException("the server's model must run without normalization; it normalizes per request");
        }
        this.model = model;
        this.modelNormalizes = modelNormalizes;
        this.limits = limits;
        this.metrics = metrics;
        this.batcher = new Batcher(model::embeddingsOf, limits.maxQueuedPairs(), limits.maxBatchTokens(), model::releaseBuffers);
        this.tokenizers = new RequestTokenizer(limits);
    }

    SentenceEncoder model() {
        return model;
    }

    boolean modelNormalizes() {
        return modelNormalizes;
    }

    int queued() {
        return batcher.queuedPairs();
    }

    /**
     * Embeds the texts. With {@code truncate} each is cut to the model's max length from
     * {@code direction}'s end; without, a longer one is a 413 naming it.
     */
    Embedded embed(List<String> texts, boolean truncate, TruncationDirection direction, boolean normalize) throws Exception {
        if (texts.isEmpty()) {
            throw new HttpError(422, "there is nothing to embed");
        }
        if (texts.size() > limits.maxClientBatchSize()) {
            throw new HttpError(422, texts.size() + " texts is more than the limit of " + limits.maxClientBatchSize()
                    + " per request");
        }
        int max = model.maxLength();
        int cut = truncate ? max : Integer.MAX_VALUE;
        List<Encoding> encodings = tokenizers.run(() -> tokenizers.encodeAll(texts.size(), max,
                i -> model.tokenize(texts.get(i), cut, direction)));
        long tokens = 0;
        for (Encoding e : encodings) {
            tokens += e.length();
        }
        float[][] vectors;
        try {
            vectors = batcher.submit(encodings).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (normalize) {
            for (int i = 0; i < vectors.length; i++) {
                vectors[i] = Pooling.normalized(vectors[i]);
            }
        }
        metrics.pairsScored(texts.size());
        return new Embedded(vectors, tokens);
    }

    void stopAccepting() {
        batcher.stopAccepting();
    }

    boolean stop(long millis) {
        tokenizers.close();
        return batcher.stop(millis);
    }
}
