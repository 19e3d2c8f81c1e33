package dev.rerank.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.rerank.CrossEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * langchain4j's {@link ScoringModel} on a {@link CrossEncoder}: the re-ranker of a RAG pipeline,
 * e.g. the scoring model of a {@code ReRankingContentAggregator}.
 *
 * <pre>{@code
 * try (CrossEncoder reranker = CrossEncoder.load(Path.of("ms-marco-MiniLM-L-6-v2"))) {
 *     ContentAggregator aggregator = ReRankingContentAggregator.builder()
 *             .scoringModel(new CrossEncoderScoringModel(reranker))
 *             .maxResults(5)
 *             .build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Each segment is scored as the pair (query, segment text) — the order cross-encoders are
 * trained on — and the score is what {@link CrossEncoder#predict(List)} returns: the model's
 * activation applied (the raw logit for the ms-marco models, which declare Identity; a sigmoid for
 * a 1-label model that declares nothing), so a {@code minScore} is on that scale. All segments of
 * one call run as one length-sorted batch. The cross-encoder stays the caller's: closing it is
 * the caller's job, and it may be shared with other users (it is thread-safe).
 */
public final class CrossEncoderScoringModel implements ScoringModel {
    private final CrossEncoder model;

    /**
     * @throws IllegalArgumentException if the model does not give one score per pair (it has
     *                                  several labels, e.g. an NLI classifier)
     */
    public CrossEncoderScoringModel(CrossEncoder model) {
        if (model == null) {
            throw new IllegalArgumentException("model is null");
        }
        if (model.config().numLabels() != 1) {
            throw new IllegalArgumentException("a scoring model needs a cross-encoder with one score per pair, but this model has "
                    + model.config().numLabels() + " labels (a classifier such as NLI ranks nothing)");
        }
        this.model = model;
    }

    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
        if (segments == null) {
            throw new IllegalArgumentException("segments is null");
        }
        if (query == null) {
            throw new IllegalArgumentException("query is null");
        }
        List<CrossEncoder.Pair> pairs = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            TextSegment segment = segments.get(i);
            if (segment == null) {
                throw new IllegalArgumentException("segment " + i + " is null");
            }
            pairs.add(new CrossEncoder.Pair(query, segment.text()));
        }
        float[] scores = model.predict(pairs);
        List<Double> out = new ArrayList<>(scores.length);
        for (float s : scores) {
            out.add((double) s);
        }
        return Response.from(out);
    }
}
