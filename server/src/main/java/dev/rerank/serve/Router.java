package dev.rerank.serve;

import dev.rerank.serve.http.Handler;
import dev.rerank.serve.http.HttpError;
import dev.rerank.serve.http.Request;
import dev.rerank.serve.http.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Paths and methods to endpoints, and what every request goes through on the way: the API key,
 * JSON 404/405 answers, errors turned into {@code {"error": ...}} with their status, and the
 * request metrics. Dialects add their endpoints with {@link #add}.
 */
final class Router implements Handler {
    /** One endpoint: a request in, a response out; {@link HttpError} for what the client got wrong. */
    @FunctionalInterface
    interface Endpoint {
        Response handle(Request request) throws Exception;
    }

    private final Map<String, Map<String, Endpoint>> routes = new LinkedHashMap<>();
    private final Metrics metrics;
    private final byte[] bearer;

    /** {@code apiKey} null: no key needed. */
    Router(Metrics metrics, String apiKey) {
        this.metrics = metrics;
        this.bearer = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    }

    void add(String method, String path, Endpoint endpoint) {
        if (routes.computeIfAbsent(path, p -> new TreeMap<>()).putIfAbsent(method, endpoint) != null) {
            throw new IllegalStateException(method + " " + path + " is routed twice");
        }
    }

    @Override
    public Response handle(Request request) {
        long start = System.nanoTime();
        Map<String, Endpoint> byMethod = routes.get(request.path());
        String label = byMethod == null ? "other" : request.path();
        Response response;
        try {
            response = route(request, byMethod);
        } catch (HttpError e) {
            response = Response.error(e.status(), e.getMessage());
            if (e.status() == 405) {
                response = response.withHeader("Allow", String.join(", ", byMethod.keySet()));
            } else if (e.status() == 401) {
                response = response.withHeader("WWW-Authenticate", "Bearer");
            }
        } catch (Batcher.OverloadedException e) {
            response = Response.error(503, "overloaded: " + e.getMessage()).withHeader("Retry-After", "1");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = Response.error(503, "the server is shutting down");
        } catch (Exception | OutOfMemoryError e) {
            // No Java class names or traces for the client: the message only.
            response = Response.error(500, "internal error: " + (e.getMessage() == null ? "unexpected failure" : e.getMessage()));
        }
        metrics.request(label, response.status(), System.nanoTime() - start);
        return response;
    }

    private Response route(Request request, Map<String, Endpoint> byMethod) throws Exception {
        if (byMethod == null) {
            throw new HttpError(404, "no such endpoint: " + request.method() + " " + request.path());
        }
        Endpoint endpoint = byMethod.get(request.method());
        if (endpoint == null) {
            throw new HttpError(405, request.path() + " takes " + String.join(" or ", byMethod.keySet()) + ", not " + request.method());
        }
        if (bearer != null && !request.path().equals("/health") && !authorized(request.header("authorization"))) {
            throw new HttpError(401, "missing or wrong API key: send Authorization: Bearer <key>");
        }
        return endpoint.handle(request);
    }

    private boolean authorized(String header) {
        // Constant time, so the key cannot be guessed a byte at a time from response timings.
        return header != null && MessageDigest.isEqual(bearer, header.strip().getBytes(StandardCharsets.UTF_8));
    }
}
