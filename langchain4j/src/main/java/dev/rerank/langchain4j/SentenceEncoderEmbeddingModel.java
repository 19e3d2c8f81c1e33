package dev.rerank.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.rerank.SentenceEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * langchain4j's {@link EmbeddingModel} on a {@link SentenceEncoder}: embeds the segments of an
 * {@code EmbeddingStore} and the queries searched against it.
 *
 * <pre>{@code
 * try (SentenceEncoder encoder = SentenceEncoder.load(Path.of("all-MiniLM-L6-v2"))) {
 *     EmbeddingModel model = new SentenceEncoderEmbeddingModel(encoder);
 *     List<Embedding> embeddings = model.embedAll(segments).content();
 *     ...
 * }
 * }</pre>
 *
 * <p>The embeddings are those of {@link SentenceEncoder#encode(List)} (unit length when the model
 * directory asks for Normalize, as sentence-transformers models do); all segments of one call run
 * as length-sorted batches on the encoder's threads. The encoder stays the caller's: closing it
 * is the caller's job, and it may be shared (it is thread-safe).
 */
public final class SentenceEncoderEmbeddingModel implements EmbeddingModel {
    private final SentenceEncoder model;

    public SentenceEncoderEmbeddingModel(SentenceEncoder model) {
        if (model == null) {
            throw new IllegalArgumentException("model is null");
        }
        this.model = model;
    }

    /**
     * The one method langchain4j's in-process models implement; {@code embed(String)},
     * {@code embed(TextSegment)} and {@code embed(EmbeddingRequest)} (listeners included) end here.
     */
    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (segments == null) {
            throw new IllegalArgumentException("segments is null");
        }
        List<String> texts = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i) == null) {
                throw new IllegalArgumentException("segment " + i + " is null");
            }
            texts.add(segments.get(i).text());
        }
        float[][] vectors = model.encode(texts);
        List<Embedding> out = new ArrayList<>(vectors.length);
        for (float[] v : vectors) {
            out.add(Embedding.from(v));
        }
        return Response.from(out);
    }

    /** Known without embedding anything (langchain4j's default embeds "test" to find out). */
    @Override
    public int dimension() {
        return model.dimension();
    }
}
