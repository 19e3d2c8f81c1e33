package dev.rerank.serve;

import dev.rerank.serve.http.HttpLimits;

/**
 * Everything about a server except the model: where it listens, what it calls the model, what it
 * accepts, and who may call it.
 *
 * @param modelId      the name /info and /v1/rerank report (TEI's {@code model_id})
 * @param host         address to bind
 * @param port         port, 0 for any free one
 * @param limits       scoring limits
 * @param http         connection limits and timeouts
 * @param autoTruncate whether a /rerank request that does not say {@code truncate} is truncated
 *                     to the model's max length (true) or refused when too long (false)
 * @param apiKey       when not null, every request but {@code GET /health} needs
 *                     {@code Authorization: Bearer <apiKey>}
 */
public record Settings(String modelId, String host, int port, Limits limits, HttpLimits http, boolean autoTruncate, String apiKey) {
    /** Defaults: loopback, truncation on, no key. */
    public static Settings of(String modelId, String host, int port) {
        return new Settings(modelId, host, port, Limits.defaults(), HttpLimits.defaults(), true, null);
    }

    public Settings withLimits(Limits l) {
        return new Settings(modelId, host, port, l, http, autoTruncate, apiKey);
    }

    public Settings withHttp(HttpLimits h) {
        return new Settings(modelId, host, port, limits, h, autoTruncate, apiKey);
    }

    public Settings withAutoTruncate(boolean on) {
        return new Settings(modelId, host, port, limits, http, on, apiKey);
    }

    public Settings withApiKey(String key) {
        return new Settings(modelId, host, port, limits, http, autoTruncate, key);
    }
}
