package dev.rerank.hub;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Where models come from, read from the same environment variables as the Python stack, so a
 * cache filled by transformers is reused: HF_ENDPOINT, HF_HUB_CACHE / HF_HOME, HF_TOKEN, HF_HUB_OFFLINE;
 * plus RERANK_HUB_TIMEOUT, the seconds a stalled transfer may sit idle before it fails (default 60).
 */
public record HubSettings(String endpoint, Path cache, String token, boolean offline, int readTimeoutMillis) {
    /** The settings of this process's environment. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** The settings an environment like {@code env} describes. */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        String endpoint = env.getOrDefault("HF_ENDPOINT", "https://huggingface.co");
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        Path cache;
        if (env.get("HF_HUB_CACHE") != null) {
            cache = Path.of(env.get("HF_HUB_CACHE"));
        } else if (env.get("HF_HOME") != null) {
            cache = Path.of(env.get("HF_HOME"), "hub");
        } else {
            cache = Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub");
        }
        String token = env.get("HF_TOKEN");
        boolean offline = Set.of("1", "true", "yes", "on").contains(env.getOrDefault("HF_HUB_OFFLINE", "").toLowerCase());
        int timeout = 60_000;
        try {
            timeout = (int) (1000 * Double.parseDouble(env.getOrDefault("RERANK_HUB_TIMEOUT", "60")));
        } catch (NumberFormatException ignored) {
            // Keep the default.
        }
        return new HubSettings(endpoint, cache, token == null || token.isBlank() ? null : token, offline, timeout);
    }
}
