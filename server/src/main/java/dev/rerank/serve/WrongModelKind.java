package dev.rerank.serve;

import dev.rerank.serve.http.HttpError;
import java.util.List;

/**
 * The other kind of model's endpoints, answered with a 400 that says why: {@code /rerank} on a
 * server running an embedding model, {@code /embed} on one running a cross-encoder. A plain 404
 * would leave the client wondering whether the path is misspelt.
 */
final class WrongModelKind implements Dialect {
    static final List<String> RERANK_PATHS = List.of("/rerank", "/v1/rerank", "/predict");
    static final List<String> EMBED_PATHS = List.of("/embed", "/v1/embeddings");

    private final List<String> paths;
    private final String message;

    private WrongModelKind(List<String> paths, String message) {
        this.paths = paths;
        this.message = message;
    }

    /** For a server running an embedding model. */
    static WrongModelKind rerankOnEmbeddingModel() {
        return new WrongModelKind(RERANK_PATHS, "this server runs an embedding model, which cannot score pairs:"
                + " use POST /embed or POST /v1/embeddings, or serve a cross-encoder for reranking");
    }

    /** For a server running a cross-encoder. */
    static WrongModelKind embedOnCrossEncoder() {
        return new WrongModelKind(EMBED_PATHS, "this server runs a cross-encoder, which scores pairs and makes no"
                + " embeddings: use POST /rerank, /v1/rerank or /predict, or serve an embedding model");
    }

    @Override
    public void register(Router router) {
        for (String path : paths) {
            router.add("POST", path, request -> {
                throw new HttpError(400, message);
            });
        }
    }
}
