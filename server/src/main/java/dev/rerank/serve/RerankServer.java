package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rerank.CrossEncoder;
import dev.rerank.CrossEncoder.Pair;
import dev.rerank.tokenizer.Truncation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP rerank service on the JDK's own server, speaking the APIs of Hugging Face's
 * text-embeddings-inference ({@code POST /rerank}) and of Cohere / Infinity ({@code POST /v1/rerank}),
 * plus {@code /predict}, {@code /health}, {@code /info} and Prometheus {@code /metrics}.
 * Each request runs on a virtual thread; the scoring goes through one {@link Batcher}.
 */
public final class RerankServer implements AutoCloseable {
    /** Limits a deployment may want to change. */
    public record Limits(int maxBodyBytes, int maxTexts, int maxQueuedPairs, int maxBatchPairs) {
        public static Limits defaults() {
            return new Limits(2 << 20, 1000, 10_000, 256);
        }
    }

    /** A request the client got wrong: status and message for the JSON error body. */
    private static final class ClientError extends RuntimeException {
        final int status;

        ClientError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final CrossEncoder model;
    private final String modelName;
    private final Limits limits;
    private final Batcher batcher;
    private final Metrics metrics;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    public RerankServer(CrossEncoder model, String modelName, String host, int port, Limits limits) throws IOException {
        this.model = model;
        this.modelName = modelName;
        this.limits = limits;
        this.batcher = new Batcher(model, limits.maxQueuedPairs(), limits.maxBatchPairs());
        this.metrics = new Metrics(batcher::queuedPairs);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
        server.setExecutor(executor);
        route("/rerank", "POST", this::rerank);
        route("/v1/rerank", "POST", this::cohereRerank);
        route("/predict", "POST", this::predict);
        route("/health", "GET", body -> json("status", "ok"));
        route("/info", "GET", body -> info());
        server.createContext("/metrics", ex -> {
            byte[] text = metrics.render().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(200, text.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(text);
            }
        });
        server.start();
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private interface Handler {
        JsonElement handle(JsonObject body) throws Exception;
    }

    private void route(String path, String method, Handler handler) {
        server.createContext(path, ex -> {
            long start = System.nanoTime();
            int status = 200;
            JsonElement response;
            try {
                if (!ex.getRequestURI().getPath().equals(path)) {
                    throw new ClientError(404, "no such endpoint: " + ex.getRequestURI().getPath());
                }
                if (!ex.getRequestMethod().equalsIgnoreCase(method)) {
                    ex.getResponseHeaders().set("Allow", method);
                    throw new ClientError(405, path + " takes " + method);
                }
                response = handler.handle(method.equals("POST") ? readBody(ex) : new JsonObject());
            } catch (ClientError e) {
                status = e.status;
                response = json("error", e.getMessage());
            } catch (Batcher.OverloadedException e) {
                status = 503;
                ex.getResponseHeaders().set("Retry-After", "1");
                response = json("error", "overloaded: " + e.getMessage());
            } catch (Exception e) {
                status = 500;
                response = json("error", "internal error: " + e);
            }
            byte[] bytes = response.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
            metrics.request(path, status, System.nanoTime() - start);
        });
    }

    private JsonObject readBody(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(limits.maxBodyBytes() + 1);
        }
        if (body.length > limits.maxBodyBytes()) {
            throw new ClientError(413, "request body larger than " + limits.maxBodyBytes() + " bytes");
        }
        try {
            JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new ClientError(400, "the body must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ClientError(400, "the body is not valid JSON");
        }
    }

    // ---- endpoints ----

    /** TEI: {"query", "texts", "truncate", "raw_scores", "return_text"} → [{"index", "score", "text"?}]. */
    private JsonElement rerank(JsonObject body) throws Exception {
        String query = string(body, "query");
        List<String> texts = strings(body, "texts");
        boolean truncate = bool(body, "truncate", true);
        boolean raw = bool(body, "raw_scores", false);
        boolean returnText = bool(body, "return_text", false);
        float[] scores = score(query, texts, truncate, raw);
        JsonArray out = new JsonArray();
        for (int i : bestFirst(scores)) {
            JsonObject o = new JsonObject();
            o.addProperty("index", i);
            o.addProperty("score", scores[i]);
            if (returnText) {
                o.addProperty("text", texts.get(i));
            }
            out.add(o);
        }
        return out;
    }

    /** Cohere / Infinity: {"query", "documents", "top_n"?, "return_documents"} → {"results", "model", "usage"}. */
    private JsonElement cohereRerank(JsonObject body) throws Exception {
        String query = string(body, "query");
        JsonElement docs = body.get("documents");
        if (docs == null || !docs.isJsonArray()) {
            throw new ClientError(400, "field \"documents\" must be an array of strings or {\"text\": ...} objects");
        }
        List<String> texts = new ArrayList<>();
        for (JsonElement d : docs.getAsJsonArray()) {
            if (d.isJsonPrimitive() && d.getAsJsonPrimitive().isString()) {
                texts.add(d.getAsString());
            } else if (d.isJsonObject() && d.getAsJsonObject().has("text") && d.getAsJsonObject().get("text").isJsonPrimitive()) {
                texts.add(d.getAsJsonObject().get("text").getAsString());
            } else {
                throw new ClientError(400, "field \"documents\" must hold strings or {\"text\": ...} objects");
            }
        }
        checkCount(texts.size());
        int topN = body.has("top_n") && !body.get("top_n").isJsonNull() ? integer(body, "top_n") : texts.size();
        boolean returnDocuments = bool(body, "return_documents", false);
        float[] scores = score(query, texts, true, false);
        JsonArray results = new JsonArray();
        for (int i : bestFirst(scores)) {
            if (results.size() >= topN) {
                break;
            }
            JsonObject o = new JsonObject();
            o.addProperty("index", i);
            o.addProperty("relevance_score", scores[i]);
            if (returnDocuments) {
                o.add("document", json("text", texts.get(i)));
            }
            results.add(o);
        }
        long tokens = 0;
        for (String t : texts) {
            tokens += model.encode(new Pair(query, t)).length;
        }
        JsonObject out = new JsonObject();
        out.add("results", results);
        out.addProperty("model", body.has("model") && body.get("model").isJsonPrimitive() ? body.get("model").getAsString() : modelName);
        out.add("usage", json("total_tokens", tokens));
        return out;
    }

    /** {"pairs": [[a, b], ...], "raw": false} → {"scores"} (1 label) or {"probabilities", "labels"}, plus "logits" when raw. */
    private JsonElement predict(JsonObject body) throws Exception {
        JsonElement pairsJson = body.get("pairs");
        if (pairsJson == null || !pairsJson.isJsonArray()) {
            throw new ClientError(400, "field \"pairs\" must be an array of [a, b] string pairs");
        }
        List<Pair> pairs = new ArrayList<>();
        for (JsonElement p : pairsJson.getAsJsonArray()) {
            if (!p.isJsonArray() || p.getAsJsonArray().size() != 2 || !isString(p.getAsJsonArray().get(0))
                    || !isString(p.getAsJsonArray().get(1))) {
                throw new ClientError(400, "field \"pairs\" must be an array of [a, b] string pairs");
            }
            pairs.add(new Pair(p.getAsJsonArray().get(0).getAsString(), p.getAsJsonArray().get(1).getAsString()));
        }
        checkCount(pairs.size());
        boolean raw = bool(body, "raw", false);
        float[][] logits = logits(pairs);
        JsonObject out = new JsonObject();
        if (model.config().numLabels() == 1) {
            JsonArray scores = new JsonArray();
            for (float[] row : model.transform(logits, CrossEncoder.Output.ACTIVATED)) {
                scores.add(row[0]);
            }
            out.add("scores", scores);
        } else {
            out.add("probabilities", matrix(model.transform(logits, CrossEncoder.Output.PROBABILITIES)));
            JsonArray labels = new JsonArray();
            model.config().labels().forEach(labels::add);
            out.add("labels", labels);
        }
        if (raw) {
            out.add("logits", matrix(logits));
        }
        return out;
    }

    private JsonElement info() {
        JsonObject o = new JsonObject();
        o.addProperty("model", modelName);
        JsonArray labels = new JsonArray();
        model.config().labels().forEach(labels::add);
        o.add("labels", labels);
        o.addProperty("max_length", model.maxLength());
        o.addProperty("dtype", "float32");
        return o;
    }

    // ---- scoring ----

    private float[] score(String query, List<String> texts, boolean truncate, boolean raw) throws Exception {
        checkCount(texts.size());
        if (model.config().numLabels() != 1) {
            throw new ClientError(422, "reranking needs a 1-label model; this one has " + model.config().numLabels() + " labels");
        }
        List<Pair> pairs = new ArrayList<>(texts.size());
        for (String t : texts) {
            Pair p = new Pair(query, t);
            if (!truncate) {
                int length = model.tokenizer().encodePair(query, t, Integer.MAX_VALUE, Truncation.LONGEST_FIRST).length();
                if (length > model.maxLength()) {
                    throw new ClientError(413, "input of " + length + " tokens exceeds the maximum of " + model.maxLength()
                            + "; set \"truncate\": true to cut it");
                }
            }
            pairs.add(p);
        }
        float[][] logits = logits(pairs);
        float[][] out = raw ? logits : model.transform(logits, CrossEncoder.Output.ACTIVATED);
        float[] scores = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            scores[i] = out[i][0];
        }
        return scores;
    }

    private float[][] logits(List<Pair> pairs) throws Exception {
        try {
            float[][] logits = batcher.submit(pairs).get();
            metrics.pairsScored(pairs.size());
            return logits;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private void checkCount(int n) {
        if (n == 0) {
            throw new ClientError(422, "there is nothing to score");
        }
        if (n > limits.maxTexts()) {
            throw new ClientError(422, n + " texts is more than the limit of " + limits.maxTexts() + " per request");
        }
    }

    private static List<Integer> bestFirst(float[] scores) {
        List<Integer> order = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -scores[i]));
        return order;
    }

    // ---- JSON helpers ----

    private static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static String string(JsonObject body, String field) {
        JsonElement e = body.get(field);
        if (!isString(e)) {
            throw new ClientError(400, "field \"" + field + "\" must be a string");
        }
        return e.getAsString();
    }

    private static List<String> strings(JsonObject body, String field) {
        JsonElement e = body.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new ClientError(400, "field \"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) {
            if (!isString(x)) {
                throw new ClientError(400, "field \"" + field + "\" must be an array of strings");
            }
            out.add(x.getAsString());
        }
        return out;
    }

    private static boolean bool(JsonObject body, String field, boolean fallback) {
        JsonElement e = body.get(field);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new ClientError(400, "field \"" + field + "\" must be true or false");
        }
        return e.getAsBoolean();
    }

    private static int integer(JsonObject body, String field) {
        JsonElement e = body.get(field);
        try {
            int v = e.getAsInt();
            if (v < 0 || e.getAsDouble() != v) {
                throw new NumberFormatException();
            }
            return v;
        } catch (RuntimeException ex) {
            throw new ClientError(400, "field \"" + field + "\" must be a non-negative integer");
        }
    }

    private static JsonObject json(String key, Object value) {
        JsonObject o = new JsonObject();
        if (value instanceof Number n) {
            o.addProperty(key, n);
        } else {
            o.addProperty(key, String.valueOf(value));
        }
        return o;
    }

    private static JsonArray matrix(float[][] rows) {
        JsonArray out = new JsonArray();
        for (float[] row : rows) {
            JsonArray r = new JsonArray();
            for (float v : row) {
                r.add(v);
            }
            out.add(r);
        }
        return out;
    }

    /** Stops accepting requests, lets those in flight finish within {@code graceSeconds}, then stops scoring. */
    public void stop(int graceSeconds) {
        server.stop(graceSeconds);
        batcher.drain(graceSeconds * 1000L);
        executor.shutdown();
    }

    @Override
    public void close() {
        stop(0);
    }
}
