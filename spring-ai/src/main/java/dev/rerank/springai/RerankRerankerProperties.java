package dev.rerank.springai;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code rerank.reranker.*}: the local reranker (a cross-encoder with one score per pair). */
@ConfigurationProperties(prefix = RerankRerankerProperties.PREFIX)
public class RerankRerankerProperties extends ModelProperties {
    public static final String PREFIX = "rerank.reranker";

    /** Keep at most this many documents, the best; 0: all. */
    private int topN;

    /** Keep only documents scoring at least this, on the model's scale (default: all). */
    private Double minScore;

    public int getTopN() {
        return topN;
    }

    public void setTopN(int topN) {
        this.topN = topN;
    }

    public Double getMinScore() {
        return minScore;
    }

    public void setMinScore(Double minScore) {
        this.minScore = minScore;
    }
}
