package dev.rerank.springai;

import dev.rerank.CrossEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.rag.Query;
import org.springframework.ai.rag.postretrieval.document.DocumentPostProcessor;

/**
 * Spring AI's {@link DocumentPostProcessor} on a {@link CrossEncoder}: reranks what a RAG
 * pipeline retrieved, e.g. in {@code RetrievalAugmentationAdvisor.builder().documentPostProcessors(...)}.
 *
 * <pre>{@code
 * CrossEncoder crossEncoder = CrossEncoder.load("cross-encoder/ms-marco-MiniLM-L-6-v2");
 * Advisor rag = RetrievalAugmentationAdvisor.builder()
 *         .documentRetriever(VectorStoreDocumentRetriever.builder().vectorStore(store).topK(20).build())
 *         .documentPostProcessors(RerankDocumentPostProcessor.builder(crossEncoder).topN(5).build())
 *         .build();
 * }</pre>
 *
 * <p>Each document's text is scored against the query's as the pair (query, text) — the order
 * cross-encoders are trained on — and the documents come back best first, in the order and with
 * the scores of {@link CrossEncoder#rank} (equal scores keep their retrieved order): at most
 * {@code topN} of them, only those scoring at least {@code minScore}. Each is a copy of the
 * retrieved document (id, text, metadata kept) whose {@link Document#getScore() score} is the
 * cross-encoder's score, also recorded in its metadata as {@value #SCORE_METADATA_KEY}; the
 * retrieved documents themselves are left as they were. The score is the model's activation
 * applied (the raw logit for ms-marco models, which declare Identity; a sigmoid for a 1-label
 * model that declares nothing), so {@code minScore} is on that scale. The cross-encoder stays the
 * caller's to close, and may be shared (it is thread-safe, and so is this).
 */
public final class RerankDocumentPostProcessor implements DocumentPostProcessor {
    /** The metadata key the cross-encoder's score is recorded under. */
    public static final String SCORE_METADATA_KEY = "rerank_score";

    private final CrossEncoder model;
    private final int topN;
    private final Double minScore;

    /**
     * @throws IllegalArgumentException if the model does not give one score per pair (it has
     *                                  several labels, e.g. an NLI classifier)
     */
    private RerankDocumentPostProcessor(CrossEncoder model, int topN, Double minScore) {
        if (model == null) {
            throw new IllegalArgumentException("model is null");
        }
        if (model.config().numLabels() != 1) {
            throw new IllegalArgumentException("a reranker needs a cross-encoder with one score per pair, but this model has "
                    + model.config().numLabels() + " labels (a classifier such as NLI ranks nothing)");
        }
        this.model = model;
        this.topN = topN;
        this.minScore = minScore;
    }

    /** All documents, reranked; none dropped. */
    public RerankDocumentPostProcessor(CrossEncoder model) {
        this(model, 0, null);
    }

    public static Builder builder(CrossEncoder model) {
        return new Builder(model);
    }

    @Override
    public List<Document> process(Query query, List<Document> documents) {
        if (query == null) {
            throw new IllegalArgumentException("query is null");
        }
        if (documents == null) {
            throw new IllegalArgumentException("documents is null");
        }
        List<String> texts = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            if (d == null || !d.isText()) {
                throw new IllegalArgumentException("document " + i + (d == null ? " is null" : " (" + d.getId()
                        + ") has no text: only text documents can be reranked"));
            }
            texts.add(d.getText());
        }
        if (texts.isEmpty()) {
            return List.of();
        }
        List<Document> out = new ArrayList<>();
        for (CrossEncoder.Ranked r : model.rank(query.text(), texts, 0)) {
            if (!Float.isFinite(r.score())) {
                // A broken model (NaN weights): no order or threshold means anything.
                throw new IllegalStateException("the reranker scored document " + r.corpusId() + " ("
                        + documents.get(r.corpusId()).getId() + ") " + r.score() + ", not a finite number: check the model's weights");
            }
            if (out.size() < (topN > 0 ? topN : Integer.MAX_VALUE) && (minScore == null || r.score() >= minScore)) {
                out.add(scored(documents.get(r.corpusId()), r.score()));
            }
        }
        return out;
    }

    /** A copy of the document carrying the score; the original keeps its own metadata map. */
    private static Document scored(Document d, float score) {
        Double s = (double) score;
        Document copy = d.mutate().metadata(new HashMap<>(d.getMetadata())).metadata(SCORE_METADATA_KEY, s).score(s).build();
        copy.setContentFormatter(d.getContentFormatter());
        return copy;
    }

    public static final class Builder {
        private final CrossEncoder model;
        private int topN;
        private Double minScore;

        private Builder(CrossEncoder model) {
            this.model = model;
        }

        /** Keep at most this many documents, the best (default 0: all). */
        public Builder topN(int topN) {
            if (topN < 0) {
                throw new IllegalArgumentException("top-n must be at least 0 (0: all documents), got " + topN);
            }
            this.topN = topN;
            return this;
        }

        /** Keep only documents scoring at least this (default null: all). */
        public Builder minScore(Double minScore) {
            if (minScore != null && minScore.isNaN()) {
                throw new IllegalArgumentException("min score is NaN");
            }
            this.minScore = minScore;
            return this;
        }

        /** @throws IllegalArgumentException if the model gives no single score per pair (see the class) */
        public RerankDocumentPostProcessor build() {
            return new RerankDocumentPostProcessor(model, topN, minScore);
        }
    }
}
