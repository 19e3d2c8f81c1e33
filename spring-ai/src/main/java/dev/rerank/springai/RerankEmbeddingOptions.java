package dev.rerank.springai;

import java.util.Objects;
import org.springframework.ai.embedding.EmbeddingOptions;

/**
 * The options of a {@link RerankEmbeddingModel}: as its defaults, or per request in an
 * {@code EmbeddingRequest}. {@code model} is the name the model answers to (the one it reports in
 * the response metadata); {@code promptName} picks one of the model's named prompts
 * (sentence-transformers' {@code prompts} in config_sentence_transformers.json, e.g. "query"),
 * put before each text as sentence-transformers' {@code encode(..., prompt_name=...)} does.
 * Whether embeddings are normalized is fixed when the model is loaded
 * ({@code SentenceEncoder.Builder.normalize}), so it is no per-request option.
 */
public final class RerankEmbeddingOptions implements EmbeddingOptions {
    private final String model;
    private final String promptName;

    private RerankEmbeddingOptions(String model, String promptName) {
        this.model = model;
        this.promptName = promptName;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The model's name, or null: not named (a request for another model fails). */
    @Override
    public String getModel() {
        return model;
    }

    /** Always null: the model's width is {@link RerankEmbeddingModel#dimensions()}; it cannot be asked for another. */
    @Override
    public Integer getDimensions() {
        return null;
    }

    /** A named prompt of the model, or null: no prompt named here. */
    public String getPromptName() {
        return promptName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RerankEmbeddingOptions other && Objects.equals(model, other.model)
                && Objects.equals(promptName, other.promptName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, promptName);
    }

    @Override
    public String toString() {
        return "RerankEmbeddingOptions{model=" + model + ", promptName=" + promptName + "}";
    }

    public static final class Builder {
        private String model;
        private String promptName;

        private Builder() {}

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder promptName(String promptName) {
            this.promptName = promptName;
            return this;
        }

        public RerankEmbeddingOptions build() {
            return new RerankEmbeddingOptions(model, promptName);
        }
    }
}
