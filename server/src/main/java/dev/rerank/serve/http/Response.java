package dev.rerank.serve.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP response: status, content type, body and any extra headers. */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static Response json(int status, JsonElement body) {
        return new Response(status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** {@code {"error": message}} with the status: every error this server answers looks like this. */
    public static Response error(int status, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        return json(status, o);
    }

    public static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** The same response with one more header. */
    public Response withHeader(String name, String value) {
        java.util.Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, body, Map.copyOf(more));
    }
}
