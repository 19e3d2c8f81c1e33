package dev.rerank.serve;

import dev.rerank.CrossEncoder;
import dev.rerank.serve.http.Http1Server;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * An HTTP rerank service: Hugging Face text-embeddings-inference's {@code POST /rerank}, Cohere /
 * Infinity's {@code POST /v1/rerank}, {@code POST /predict}, and {@code GET /health}, {@code /info},
 * {@code /metrics}. Each connection runs on a virtual thread; scoring goes through one fair
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
    private final Scorer scorer;
    private final Http1Server http;

    /** Starts serving {@code model} (which the caller keeps and closes). */
    public RerankServer(CrossEncoder model, Settings settings) throws IOException {
        Metrics metrics = new Metrics(this::queuedPairs);
        this.scorer = new Scorer(model, settings.limits(), metrics);
        Router router = new Router(metrics, settings.apiKey());
        for (Dialect d : List.of(new TeiRerank(scorer, settings.autoTruncate()), new CohereRerank(scorer, settings.modelId()),
                new Predict(scorer), new Operations(scorer, settings, metrics))) {
            d.register(router);
        }
        try {
            this.http = new Http1Server(settings.host(), settings.port(), settings.http(), router);
        } catch (IOException e) {
            scorer.stop(0);
            throw e;
        }
    }

    private int queuedPairs() {
        return scorer == null ? 0 : scorer.queuedPairs();
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
        scorer.stopAccepting();
        http.stop(grace);
        return scorer.stop(100);
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
