package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.rerank.serve.http.Response;
import java.util.List;

/**
 * {@code GET /health}, {@code GET /info} (TEI's fields, plus this server's own as extras) and
 * {@code GET /metrics} (Prometheus text).
 */
final class Operations implements Dialect {
    static final String VERSION = version();

    private final Settings settings;
    private final Metrics metrics;
    private final int maxLength;
    private final JsonObject modelType;
    private final List<String> labels;

    /** For a cross-encoder: TEI's model_type {"reranker" | "classifier": {id2label, label2id}}. */
    Operations(Scorer scorer, Settings settings, Metrics metrics) {
        this(settings, metrics, scorer.model().maxLength(), classifierType(scorer.model().config().labels()),
                scorer.model().config().labels());
    }

    /** For an embedding model: TEI's model_type {"embedding": {"pooling": ...}}. */
    Operations(Embedder embedder, Settings settings, Metrics metrics) {
        this(settings, metrics, embedder.model().maxLength(), embeddingType(embedder), List.of());
    }

    private Operations(Settings settings, Metrics metrics, int maxLength, JsonObject modelType, List<String> labels) {
        this.settings = settings;
        this.metrics = metrics;
        this.maxLength = maxLength;
        this.modelType = modelType;
        this.labels = labels;
    }

    private static JsonObject classifierType(List<String> labels) {
        JsonObject id2label = new JsonObject();
        JsonObject label2id = new JsonObject();
        for (int i = 0; i < labels.size(); i++) {
            id2label.addProperty(Integer.toString(i), labels.get(i));
            label2id.addProperty(labels.get(i), i);
        }
        JsonObject classifier = new JsonObject();
        classifier.add("id2label", id2label);
        classifier.add("label2id", label2id);
        JsonObject modelType = new JsonObject();
        modelType.add(labels.size() == 1 ? "reranker" : "classifier", classifier);
        return modelType;
    }

    private static JsonObject embeddingType(Embedder embedder) {
        List<String> modes = new java.util.ArrayList<>();
        embedder.model().pooling().modes().forEach(m -> modes.add(m.name().toLowerCase(java.util.Locale.ROOT)));
        JsonObject embedding = new JsonObject();
        embedding.addProperty("pooling", String.join("+", modes));
        JsonObject modelType = new JsonObject();
        modelType.add("embedding", embedding);
        return modelType;
    }

    @Override
    public void register(Router router) {
        router.add("GET", "/health", r -> Response.json(200, JsonFields.single("status", "ok")));
        router.add("GET", "/info", r -> Response.json(200, info()));
        router.add("GET", "/metrics", r -> Response.text(200, "text/plain; version=0.0.4", metrics.render()));
    }

    private JsonObject info() {
        JsonObject o = new JsonObject();
        // text-embeddings-inference's Info, field for field.
        o.addProperty("model_id", settings.modelId());
        o.add("model_sha", null);
        o.addProperty("model_dtype", "float32");
        o.add("model_type", modelType);
        o.addProperty("max_concurrent_requests", settings.http().maxConnections());
        o.addProperty("max_input_length", maxLength);
        o.addProperty("max_batch_tokens", settings.limits().maxBatchTokens());
        o.add("max_batch_requests", null);
        o.addProperty("max_client_batch_size", settings.limits().maxClientBatchSize());
        o.addProperty("max_request_tokens", settings.limits().maxRequestTokens());
        o.addProperty("auto_truncate", settings.autoTruncate());
        o.addProperty("tokenization_workers", RequestTokenizer.workers());
        o.addProperty("version", VERSION);
        o.add("sha", null);
        o.add("docker_label", null);
        // This server's own fields, kept for existing clients.
        o.addProperty("model", settings.modelId());
        JsonArray labelArray = new JsonArray();
        labels.forEach(labelArray::add);
        o.add("labels", labelArray);
        o.addProperty("max_length", maxLength);
        o.addProperty("dtype", "float32");
        return o;
    }

    private static String version() {
        String v = Operations.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
