package dev.rerank.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * One JSON object of a tokenizer file, read field by field with type checks, so that a field of
 * the wrong type is an error naming the file and the field ({@code 'model.unk_token' must be a
 * string}), never a Gson exception. A missing field and an explicit null both mean "use the default".
 *
 * @param path the object's place in the file, as a prefix for field names ("" or "model.")
 */
record JsonFields(JsonObject json, String path, String file) {

    static JsonFields root(JsonObject json, String file) {
        return new JsonFields(json, "", file);
    }

    /** Whether {@code key} is present and not null. */
    boolean has(String key) {
        JsonElement e = json.get(key);
        return e != null && !e.isJsonNull();
    }

    JsonElement get(String key) {
        return json.get(key);
    }

    String name(String key) {
        return path + key;
    }

    String string(String key, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = json.get(key);
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
            throw wrongType(key, "a string");
        }
        return e.getAsString();
    }

    String requiredString(String key) {
        if (!has(key)) {
            throw error("'" + name(key) + "' is missing");
        }
        return string(key, null);
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = json.get(key);
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
            throw wrongType(key, "true or false");
        }
        return e.getAsBoolean();
    }

    /** An integer in [min, max]; {@code 40.7}, {@code "40"} and {@code [40]} are errors, not 40. */
    int integer(String key, int fallback, int min, int max) {
        if (!has(key)) {
            return fallback;
        }
        return integerValue(json.get(key), name(key), min, max);
    }

    int requiredInteger(String key, int min, int max) {
        if (!has(key)) {
            throw error("'" + name(key) + "' is missing");
        }
        return integer(key, 0, min, max);
    }

    /** A JSON number, or null when absent. */
    BigDecimal number(String key) {
        if (!has(key)) {
            return null;
        }
        JsonElement e = json.get(key);
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw wrongType(key, "a number");
        }
        return e.getAsBigDecimal();
    }

    /** The object at {@code key}, or null when absent or null. */
    JsonFields optionalObject(String key) {
        if (!has(key)) {
            return null;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonObject()) {
            throw wrongType(key, "an object");
        }
        return new JsonFields(e.getAsJsonObject(), name(key) + ".", file);
    }

    JsonFields object(String key) {
        JsonFields o = optionalObject(key);
        if (o == null) {
            throw error("'" + name(key) + "' is missing");
        }
        return o;
    }

    /** The array at {@code key}, or null when absent or null. */
    JsonArray optionalArray(String key) {
        if (!has(key)) {
            return null;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonArray()) {
            throw wrongType(key, "an array");
        }
        return e.getAsJsonArray();
    }

    JsonArray array(String key) {
        JsonArray a = optionalArray(key);
        if (a == null) {
            throw error("'" + name(key) + "' is missing");
        }
        return a;
    }

    /** Element {@code index} of an array field, which must be an object. */
    JsonFields element(JsonArray array, String key, int index) {
        JsonElement e = array.get(index);
        String where = name(key) + "[" + index + "]";
        if (!e.isJsonObject()) {
            throw error("'" + where + "' must be an object");
        }
        return new JsonFields(e.getAsJsonObject(), where + ".", file);
    }

    /** An integer array element or value, checked like {@link #integer}. */
    int integerValue(JsonElement e, String what, int min, int max) {
        if (!(e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw error("'" + what + "' must be an integer");
        }
        BigDecimal value = ((JsonPrimitive) e).getAsBigDecimal();
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw error("'" + what + "' must be an integer, not " + value);
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw error("'" + what + "' is " + value + ", outside " + min + ".." + max);
        }
        return value.intValueExact();
    }

    TokenizerException error(String what) {
        return TokenizerFiles.malformed(file, what);
    }

    TokenizerException unsupported(String what) {
        return TokenizerFiles.unsupported(file, what);
    }

    private TokenizerException wrongType(String key, String expected) {
        String found = json.get(key).toString();
        return error("'" + name(key) + "' must be " + expected + ", not "
                + (found.length() > 40 ? found.substring(0, 40) + "..." : found));
    }
}
