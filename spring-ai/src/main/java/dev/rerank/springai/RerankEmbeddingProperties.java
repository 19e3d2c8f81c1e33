package dev.rerank.springai;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code rerank.embedding.*}: the local embedding model (a sentence-transformers model). */
@ConfigurationProperties(prefix = RerankEmbeddingProperties.PREFIX)
public class RerankEmbeddingProperties extends ModelProperties {
    public static final String PREFIX = "rerank.embedding";

    /** Scale embeddings to unit length, or not (default: as the model directory says, its Normalize module). */
    private Boolean normalize;

    /** A named prompt of the model put before every text, e.g. "query" (default: the model's default_prompt_name, if any). */
    private String promptName;

    /** A named prompt of the model put before documents' texts instead, e.g. "document" (default: prompt-name). */
    private String documentPromptName;

    public Boolean getNormalize() {
        return normalize;
    }

    public void setNormalize(Boolean normalize) {
        this.normalize = normalize;
    }

    public String getPromptName() {
        return promptName;
    }

    public void setPromptName(String promptName) {
        this.promptName = promptName;
    }

    public String getDocumentPromptName() {
        return documentPromptName;
    }

    public void setDocumentPromptName(String documentPromptName) {
        this.documentPromptName = documentPromptName;
    }
}
