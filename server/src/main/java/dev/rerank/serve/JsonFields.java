package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.rerank.serve.http.HttpError;
import dev.rerank.tokenizer.TruncationDirection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading request bodies: each field with its type checked, and a 400 naming the field when the
 * type is wrong. (How numbers are written back is {@link ModelNumbers}'s rule.)
 */
final class JsonFields {
    private JsonFields() {}

    static JsonObject object(byte[] body) {
        try {
            JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new HttpError(400, "the body must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | StackOverflowError e) {
            throw new HttpError(400, "the body is not valid JSON");
        }
    }

    static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    static boolean absent(JsonObject body, String field) {
        JsonElement e = body.get(field);
        return e == null || e.isJsonNull();
    }

    static String string(JsonObject body, String field) {
        JsonElement e = body.get(field);
        if (!isString(e)) {
            throw new HttpError(400, "field \"" + field + "\" must be a string");
        }
        return e.getAsString();
    }

    static List<String> strings(JsonObject body, String field) {
        JsonElement e = body.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new HttpError(400, "field \"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonElement x : e.getAsJsonArray()) {
            if (!isString(x)) {
                throw new HttpError(400, "field \"" + field + "\" must be an array of strings");
            }
            out.add(x.getAsString());
        }
        return out;
    }

    static boolean bool(JsonObject body, String field, boolean fallback) {
        if (absent(body, field)) {
            return fallback;
        }
        JsonElement e = body.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new HttpError(400, "field \"" + field + "\" must be true or false");
        }
        return e.getAsBoolean();
    }

    static int nonNegativeInt(JsonObject body, String field) {
        JsonElement e = body.get(field);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double v = e.getAsDouble();
            if (v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v)) {
                return (int) v;
            }
        }
        throw new HttpError(400, "field \"" + field + "\" must be a non-negative integer");
    }

    /** TEI's {@code truncation_direction}: {@code Right} (default) or {@code Left}; anything else is a 422. */
    static TruncationDirection truncationDirection(JsonObject body) {
        if (absent(body, "truncation_direction")) {
            return TruncationDirection.RIGHT;
        }
        JsonElement e = body.get("truncation_direction");
        if (!isString(e)) {
            throw new HttpError(422, "field \"truncation_direction\" must be \"Left\" or \"Right\"");
        }
        try {
            return TruncationDirection.parse(e.getAsString());
        } catch (IllegalArgumentException ex) {
            throw new HttpError(422, "field \"truncation_direction\": " + ex.getMessage());
        }
    }

    static JsonObject single(String key, String value) {
        JsonObject o = new JsonObject();
        o.addProperty(key, value);
        return o;
    }
}
