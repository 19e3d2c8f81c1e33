package dev.rerank.springai;

import dev.rerank.SentenceEncoder;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.BatchingStrategy;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;
import org.springframework.ai.embedding.observation.DefaultEmbeddingModelObservationConvention;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationConvention;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationDocumentation;

/**
 * Spring AI's {@link EmbeddingModel} on a {@link SentenceEncoder}: the local embedder of a vector
 * store ({@code SimpleVectorStore}, PgVector, ...) and of the queries searched against it.
 *
 * <pre>{@code
 * SentenceEncoder encoder = SentenceEncoder.load("sentence-transformers/all-MiniLM-L6-v2");
 * EmbeddingModel embeddingModel = RerankEmbeddingModel.builder(encoder).modelName("all-MiniLM-L6-v2").build();
 * VectorStore store = SimpleVectorStore.builder(embeddingModel).build();
 * }</pre>
 *
 * <p>The vectors are {@link SentenceEncoder#encode(List, String)}'s, bit for bit (unit length when
 * the model directory asks for Normalize). Every entry point ({@code call}, {@code embed(String)},
 * {@code embed(List)}, {@code embed(Document)}, the vector stores' {@code embed(documents, options,
 * batching)}) ends in {@link #call}, which reports the model's name and the tokens it ran (special
 * tokens and prompt included, after truncation) in the response metadata, and is observed as Spring
 * AI's own models are. A model with named prompts gets {@code promptName} before each text, and
 * {@code documentPromptName} instead before each document's text (asymmetric models such as e5 or
 * Qwen3-Embedding embed queries and documents differently); neither set, the model's own
 * default_prompt_name applies, as in sentence-transformers. The encoder stays the caller's: closing
 * it is the caller's job, and it may be shared (it is thread-safe, and so is this).
 */
public final class RerankEmbeddingModel implements EmbeddingModel {
    /** The provider name in observations. */
    public static final String PROVIDER = "rerank";

    private static final EmbeddingModelObservationConvention DEFAULT_CONVENTION = new DefaultEmbeddingModelObservationConvention();

    private final SentenceEncoder model;
    private final String modelName;
    private final String promptName;
    private final String documentPromptName;
    private final ObservationRegistry observations;
    private final EmbeddingModelObservationConvention convention;
    /** The model's default prompt name (empty: none), found on first need; null until then. */

    /** With the model's own prompt settings, no name, no observations. */
    public RerankEmbeddingModel(SentenceEncoder model) {
        this(builder(model));
    }

    private RerankEmbeddingModel(Builder b) {
        this.model = b.model;
        this.modelName = b.modelName;
        this.promptName = b.promptName;
        this.documentPromptName = b.documentPromptName;
        this.observations = b.observations;
        this.convention = b.convention;
        checkPrompt(model, promptName);
        checkPrompt(model, documentPromptName);
    }

    public static Builder builder(SentenceEncoder model) {
        return new Builder(model);
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request is null");
        }
        return respond(request, promptName);
    }

    @Override
    public float[] embed(Document document) {
        return embed(List.of(document), null, documents -> List.of(documents)).get(0);
    }

    /** The documents' texts with {@code documentPromptName} (if set), one call per batch the strategy makes. */
    @Override
    public List<float[]> embed(List<Document> documents, EmbeddingOptions options, BatchingStrategy batchingStrategy) {
        if (documents == null || batchingStrategy == null) {
            throw new IllegalArgumentException(documents == null ? "documents is null" : "batchingStrategy is null");
        }
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            if (d == null || !d.isText()) {
                throw new IllegalArgumentException("document " + i + (d == null ? " is null" : " (" + d.getId()
                        + ") has no text: only text documents can be embedded"));
            }
        }
        String prompt = documentPromptName != null ? documentPromptName : promptName;
        List<float[]> out = new ArrayList<>(documents.size());
        for (List<Document> batch : batchingStrategy.batch(documents)) {
            List<String> texts = batch.stream().map(this::getEmbeddingContent).toList();
            for (Embedding e : respond(new EmbeddingRequest(texts, options), prompt).getResults()) {
                out.add(e.getOutput());
            }
        }
        return out;
    }

    /** Known without embedding anything (Spring AI's default embeds a test string to find out). */
    @Override
    public int dimensions() {
        return model.dimension();
    }

    /** The embeddings of a request's texts, {@code pathPrompt} used unless the request names a prompt. */
    private EmbeddingResponse respond(EmbeddingRequest request, String pathPrompt) {
        List<String> texts = request.getInstructions();
        if (texts == null) {
            throw new IllegalArgumentException("the request's inputs are null");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("input " + i + " is null");
            }
        }
        EmbeddingOptions asked = request.getOptions();
        if (asked != null && asked.getModel() != null && !asked.getModel().isBlank() && !asked.getModel().equals(modelName)) {
            throw new IllegalArgumentException("this embedding model runs " + (modelName == null ? "an unnamed model" : modelName)
                    + "; it cannot embed with the model " + asked.getModel());
        }
        if (asked != null && asked.getDimensions() != null && asked.getDimensions() != dimensions()) {
            throw new IllegalArgumentException(asked.getDimensions() + " dimensions were asked for, but the model's embeddings have "
                    + dimensions());
        }
        String prompt = asked instanceof RerankEmbeddingOptions r && r.getPromptName() != null ? r.getPromptName() : pathPrompt;
        checkPrompt(model, prompt);
        RerankEmbeddingOptions used = RerankEmbeddingOptions.builder().model(modelName).promptName(prompt).build();
        EmbeddingModelObservationContext context = EmbeddingModelObservationContext.builder()
                .embeddingRequest(new EmbeddingRequest(texts, used))
                .provider(PROVIDER)
                .build();
        return EmbeddingModelObservationDocumentation.EMBEDDING_MODEL_OPERATION
                .observation(convention, DEFAULT_CONVENTION, () -> context, observations)
                .observe(() -> {
                    EmbeddingResponse response = embed(texts, prompt != null ? prompt : model.defaultPromptName());
                    context.setResponse(response);
                    return response;
                });
    }

    /** {@code prompt}: a prompt name of the model, or null for none. */
    private EmbeddingResponse embed(List<String> texts, String prompt) {
        float[][] vectors = model.encode(texts, prompt);
        String prefix = prompt == null ? "" : model.prompts().get(prompt);
        int tokens = 0;
        List<Embedding> embeddings = new ArrayList<>(vectors.length);
        for (int i = 0; i < vectors.length; i++) {
            // The same text the engine embedded, so the same tokens (counted here: the engine does not report them).
            tokens += model.tokenize(prefix + texts.get(i)).length();
            embeddings.add(new Embedding(vectors[i], i));
        }
        return new EmbeddingResponse(embeddings, new EmbeddingResponseMetadata(name(), new DefaultUsage(tokens, 0)));
    }

    /** @throws IllegalArgumentException unless {@code prompt} is null or one of the model's prompts */
    static void checkPrompt(SentenceEncoder model, String prompt) {
        if (prompt != null && !model.prompts().containsKey(prompt)) {
            throw new IllegalArgumentException("the model has no prompt named '" + prompt + "'" + (model.prompts().isEmpty()
                    ? " (it has no prompts)" : " (it has " + String.join(", ", model.prompts().keySet()) + ")"));
        }
    }

    private String name() {
        return modelName == null ? "" : modelName;
    }

    public static final class Builder {
        private final SentenceEncoder model;
        private String modelName;
        private String promptName;
        private String documentPromptName;
        private ObservationRegistry observations = ObservationRegistry.NOOP;
        private EmbeddingModelObservationConvention convention = DEFAULT_CONVENTION;

        private Builder(SentenceEncoder model) {
            if (model == null) {
                throw new IllegalArgumentException("model is null");
            }
            this.model = model;
        }

        /** The name the model reports in responses and observations (e.g. its hub id). */
        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /** The named prompt put before every text (default: the model's default_prompt_name, if any). */
        public Builder promptName(String promptName) {
            this.promptName = promptName;
            return this;
        }

        /** The named prompt put before documents' texts instead (default: {@link #promptName}). */
        public Builder documentPromptName(String documentPromptName) {
            this.documentPromptName = documentPromptName;
            return this;
        }

        public Builder observationRegistry(ObservationRegistry observations) {
            this.observations = observations == null ? ObservationRegistry.NOOP : observations;
            return this;
        }

        public Builder observationConvention(EmbeddingModelObservationConvention convention) {
            this.convention = convention == null ? DEFAULT_CONVENTION : convention;
            return this;
        }

        /** @throws IllegalArgumentException if a prompt name is not one of the model's prompts */
        public RerankEmbeddingModel build() {
            return new RerankEmbeddingModel(this);
        }
    }
}
