package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.rerank.io.StrictJson;
import dev.rerank.serve.http.HttpError;
import dev.rerank.tokenizer.TruncationDirection;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading request bodies: each field with its type checked, and a 400 naming the field when the
 * type is wrong. (How numbers are written back is {@link ModelNumbers}'s rule.)
 */
final class JsonFields {
    private JsonFields() {}

    /** The body as a JSON object: strict UTF-8 and strict JSON (no comments, single quotes, NaN or trailing values). */
    static JsonObject object(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "the body is not valid UTF-8");
        }
        try {
            JsonElement e = StrictJson.parse(text);
            if (!e.isJsonObject()) {
                throw new HttpError(400, "the body must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new HttpError(400, "the body is not valid JSON: " + e.getMessage());
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
