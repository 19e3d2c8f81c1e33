package dev.rerank.serve;

import dev.rerank.CrossEncoder;
import dev.rerank.SentenceEncoder;
import dev.rerank.serve.http.Http1Server;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP rerank or embedding service. For a cross-encoder: Hugging Face
 * text-embeddings-inference's {@code POST /rerank}, Cohere / Infinity's {@code POST /v1/rerank},
 * {@code POST /predict}; for an embedding model: TEI's {@code POST /embed} and OpenAI's
 * {@code POST /v1/embeddings}; for both {@code GET /health}, {@code /info}, {@code /metrics}. Each connection runs on a virtual thread; scoring goes through one fair
 * batcher shared by all requests.
 *
 * <pre>{@code
 * try (CrossEncoder model = CrossEncoder.load(dir);
 *      RerankServer server = new RerankServer(model, Settings.of("my-model", "127.0.0.1", 8080))) {
 *     ...
 * }
 * }</pre>
 */
public final class RerankServer implements AutoCloseable {
    private final Scorer scorer;     // null when serving an embedding model
    private final Embedder embedder; // null when serving a cross-encoder
    private final Http1Server http;

    /** Starts serving a cross-encoder {@code model} (which the caller keeps and closes). */
    public RerankServer(CrossEncoder model, Settings settings) throws IOException {
        Metrics metrics = new Metrics(this::queued);
        this.scorer = new Scorer(model, settings.limits(), metrics);
        this.embedder = null;
        this.http = start(settings, metrics, List.of(new TeiRerank(scorer, settings.autoTruncate()),
                new CohereRerank(scorer, settings.modelId()), new Predict(scorer), new Operations(scorer, settings, metrics),
                WrongModelKind.embedOnCrossEncoder()));
    }

    /**
     * Starts serving an embedding model: TEI's {@code POST /embed} and OpenAI's
     * {@code POST /v1/embeddings}. {@code model} must be built without normalization
     * ({@code normalize(false)}): requests normalize as they ask, or as {@code modelNormalizes} says.
     */
    public RerankServer(SentenceEncoder model, boolean modelNormalizes, Settings settings) throws IOException {
        Metrics metrics = new Metrics(this::queued);
        this.scorer = null;
        this.embedder = new Embedder(model, modelNormalizes, settings.limits(), metrics);
        this.http = start(settings, metrics, List.of(new TeiEmbed(embedder, settings.autoTruncate()),
                new OpenAiEmbeddings(embedder, settings.modelId(), settings.autoTruncate()),
                new Operations(embedder, settings, metrics), WrongModelKind.rerankOnEmbeddingModel()));
    }

    private Http1Server start(Settings settings, Metrics metrics, List<Dialect> dialects) throws IOException {
        Router router = new Router(metrics, settings.apiKey());
        for (Dialect d : dialects) {
            d.register(router);
        }
        try {
            return new Http1Server(settings.host(), settings.port(), settings.http(), router);
        } catch (IOException e) {
            stopBatcher(0);
            throw e;
        }
    }

    private int queued() {
        return scorer != null ? scorer.queuedPairs() : embedder != null ? embedder.queued() : 0;
    }

    private boolean stopBatcher(long millis) {
        return scorer != null ? scorer.stop(millis) : embedder.stop(millis);
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return http.port();
    }

    /**
     * Stops accepting connections and new scoring work, lets requests in flight finish for up to
     * {@code grace}, answers the rest 503, and stops the batcher. Returns within about grace +
     * 0.2 s; true when the model is idle afterwards (safe to close), false when a forward pass was
     * still running (the caller should exit rather than close the model under it).
     */
    public boolean stop(Duration grace) {
        if (scorer != null) {
            scorer.stopAccepting();
        } else {
            embedder.stopAccepting();
        }
        http.stop(grace);
        return stopBatcher(100);
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
