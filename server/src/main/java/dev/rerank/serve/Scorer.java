package dev.rerank.serve;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.serve.http.HttpError;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Tokenizer;
import dev.rerank.tokenizer.Truncation;
import dev.rerank.tokenizer.TruncationDirection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * What every dialect shares: checking a request's size, tokenizing each pair once (on the
 * {@link RequestTokenizer}'s threads, so tokenization runs in parallel across requests), and having the
 * {@link Batcher} score it. The encodings come back with the logits, so a dialect can count
 * tokens without tokenizing again.
 */
final class Scorer {
    /** Logits per pair, in request order, and the encodings they were computed from. */
    record Scored(float[][] logits, List<Encoding> encodings) {
        long tokens() {
            long n = 0;
            for (Encoding e : encodings) {
                n += e.length();
            }
            return n;
        }
    }

    private final CrossEncoder model;
    private final Limits limits;
    private final Batcher batcher;
    private final Metrics metrics;
    private final RequestTokenizer tokenizers;

    Scorer(CrossEncoder model, Limits limits, Metrics metrics) {
        this.model = model;
        this.limits = limits;
        this.metrics = metrics;
        this.batcher = new Batcher(model::logitsOf, limits.maxQueuedPairs(), limits.maxBatchTokens(), model::releaseBuffers);
        this.tokenizers = new RequestTokenizer(limits);
    }

    CrossEncoder model() {
        return model;
    }

    Limits limits() {
        return limits;
    }

    int queuedPairs() {
        return batcher.queuedPairs();
    }

    /**
     * Scores the pairs. With {@code truncate} each pair is cut to the model's max length from
     * {@code direction}'s end; without, a pair longer than that is a 413 naming it.
     */
    Scored score(List<Pair> pairs, boolean truncate, TruncationDirection direction) throws Exception {
        checkCount(pairs.size());
        int max = model.maxLength();
        int cut = truncate ? max : Integer.MAX_VALUE;
        Tokenizer t = model.tokenizer();
        return scoreEncoded(pairs.size(), tokenizers.run(() -> tokenizers.encodeAll(pairs.size(), max,
                i -> t.encodePair(pairs.get(i).a(), pairs.get(i).b(), cut, Truncation.LONGEST_FIRST, direction))));
    }

    /** Scores the query against each text with a 1-label model, for the rerank dialects: the query is tokenized once. */
    Scored rank(String query, List<String> texts, boolean truncate, TruncationDirection direction) throws Exception {
        requireReranker();
        checkCount(texts.size());
        int max = model.maxLength();
        int cut = truncate ? max : Integer.MAX_VALUE;
        Tokenizer t = model.tokenizer();
        return scoreEncoded(texts.size(), tokenizers.run(() -> {
            int[] queryIds;
            try {
                queryIds = t.encode(query).ids();
            } catch (RuntimeException ex) {
                throw new HttpError(422, "the query cannot be tokenized: " + ex.getMessage());
            }
            return tokenizers.encodeAll(texts.size(), max,
                    i -> t.encodePairWithFirstIds(queryIds, texts.get(i), cut, Truncation.LONGEST_FIRST, direction));
        }));
    }

    private Scored scoreEncoded(int n, List<Encoding> encodings) throws Exception {
        try {
            float[][] logits = batcher.submit(encodings).get();
            metrics.pairsScored(n);
            return new Scored(logits, encodings);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Scores of a 1-label model for ranking: the activated score, or the logit when {@code raw}. */
    float[] rankingScores(float[][] logits, boolean raw) {
        float[][] out = raw ? logits : model.transform(logits, CrossEncoder.Output.ACTIVATED);
        float[] scores = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            scores[i] = out[i][0];
        }
        return scores;
    }

    /** Ranking needs one score per text: a 1-label model. */
    private void requireReranker() {
        if (model.config().numLabels() != 1) {
            throw new HttpError(422, "reranking needs a 1-label model; this one has " + model.config().numLabels() + " labels");
        }
    }

    private void checkCount(int n) {
        if (n == 0) {
            throw new HttpError(422, "there is nothing to score");
        }
        if (n > limits.maxClientBatchSize()) {
            throw new HttpError(422, n + " texts is more than the limit of " + limits.maxClientBatchSize() + " per request");
        }
    }

    void stopAccepting() {
        batcher.stopAccepting();
    }

    boolean stop(long millis) {
        tokenizers.close();
        return batcher.stop(millis);
    }
}
