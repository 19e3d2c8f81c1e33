package dev.rerank.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * Typed, range-checked reads from a JSON object such as config.json. Every failure names the file
 * and the field: a string where a number belongs, 40.7 or "40" for a count, 4294967336 for an int,
 * are errors here, never silently coerced (gson's getAsInt would turn 4294967336 into 40).
 */
public final class ConfigJson {
    private final JsonObject json;
    private final String where;

    public ConfigJson(JsonObject json, String where) {
        this.json = json;
        this.where = where;
    }

    public JsonObject json() {
        return json;
    }

    public String where() {
        return where;
    }

    public boolean has(String key) {
        JsonElement e = json.get(key);
        return e != null && !e.isJsonNull();
    }

    /** A whole number in [min, max]; {@code fallback} when absent. */
    public int integer(String key, int min, int max, Integer fallback) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) {
                throw error("missing " + key);
            }
            return fallback;
        }
        return integer(e, key, min, max);
    }

    public int integer(JsonElement e, String key, int min, int max) {
        if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
            throw error(key + " must be a number, got " + brief(e));
        }
        BigDecimal value;
        try {
            value = new BigDecimal(p.getAsString());
        } catch (NumberFormatException ex) {
            throw error(key + " is not a number: " + brief(e));
        }
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw error(key + " must be a whole number, got " + brief(e));
        }
        if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw error(key + " is " + brief(e) + "; it must be between " + min + " and " + max);
        }
        return value.intValueExact();
    }

    /** A finite number in (0, max]; {@code fallback} when absent. */
    public double positive(String key, double max, double fallback) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
            throw error(key + " must be a number, got " + brief(e));
        }
        double v = p.getAsDouble();
        if (!(v > 0 && v <= max)) {
            throw error(key + " is " + brief(e) + "; it must be above 0 and at most " + max);
        }
        return v;
    }

    public boolean bool(String key, boolean fallback) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) {
            throw error(key + " must be true or false, got " + brief(e));
        }
        return p.getAsBoolean();
    }

    /** A JSON file's top-level object; a missing file is null, anything unreadable a named error. */
    public static ConfigJson readIfPresent(java.nio.file.Path file) {
        if (!java.nio.file.Files.exists(file)) {
            return null;
        }
        String text;
        try {
            text = dev.rerank.io.BoundedFiles.readString(file, dev.rerank.io.BoundedFiles.CONFIG_BYTES, "config file");
        } catch (dev.rerank.io.BoundedFiles.FileRefused e) {
            throw new ModelException(e.getMessage(), e);
        } catch (java.io.IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonElement root;
        try {
            root = dev.rerank.io.StrictJson.parse(text);
        } catch (com.google.gson.JsonParseException e) {
            throw new ModelException(file + ": invalid JSON: " + e.getMessage());
        }
        if (!root.isJsonObject()) {
            throw new ModelException(file + ": expected a JSON object");
        }
        return new ConfigJson(root.getAsJsonObject(), file.toString());
    }

    public String string(String key, String fallback) {
        JsonElement e = json.get(key);
        if (e == null || e.isJsonNull()) {
            return fallback;
        }
        return string(e, key);
    }

    public String string(JsonElement e, String key) {
        if (!(e instanceof JsonPrimitive p) || !p.isString()) {
            throw error(key + " must be a string, got " + brief(e));
        }
        return p.getAsString();
    }

    public ModelException error(String what) {
        return new ModelException(where + ": " + what);
    }

    /** A value for an error message, cut short: printing a huge or deeply nested value is itself a hazard. */
    public static String brief(JsonElement e) {
        if (e == null) {
            return "nothing";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        String s = e.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
