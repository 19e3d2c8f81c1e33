package dev.rerank.serve;

import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.serve.http.HttpError;
import dev.rerank.tokenizer.Encoding;
import dev.rerank.tokenizer.Truncation;
import dev.rerank.tokenizer.TruncationDirection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * What every dialect shares: checking a request's size, tokenizing each pair once (on the
 * request's own thread, so tokenization runs in parallel across requests), and having the
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

    Scorer(CrossEncoder model, Limits limits, Metrics metrics) {
        this.model = model;
        this.limits = limits;
        this.metrics = metrics;
        this.batcher = new Batcher(model::logitsOf, limits.maxQueuedPairs(), limits.maxBatchTokens());
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
        List<Encoding> encodings = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            Encoding e;
            try {
                e = model.tokenizer().encodePair(p.a(), p.b(), truncate ? max : Integer.MAX_VALUE, Truncation.LONGEST_FIRST, direction);
            } catch (RuntimeException ex) {
                throw new HttpError(422, "input " + i + " cannot be tokenized: " + ex.getMessage());
            }
            if (e.length() > max) {
                throw new HttpError(413, "input " + i + " has " + e.length() + " tokens, which exceeds the maximum of " + max
                        + "; set \"truncate\": true to cut it");
            }
            encodings.add(e);
        }
        try {
            float[][] logits = batcher.submit(encodings).get();
            metrics.pairsScored(pairs.size());
            return new Scored(logits, encodings);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Scores the query against each text with a 1-label model, for the rerank dialects. */
    Scored rank(String query, List<String> texts, boolean truncate, TruncationDirection direction) throws Exception {
        requireReranker();
        List<Pair> pairs = new ArrayList<>(texts.size());
        for (String t : texts) {
            pairs.add(new Pair(query, t));
        }
        return score(pairs, truncate, direction);
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
        return batcher.stop(millis);
    }
}
