package dev.rerank.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * How the numbers a model computed are written as JSON, by this server and by the command line
 * alike, so both keep one rule. JSON has no NaN or Infinity, yet a model with broken weights (a
 * NaN in a tensor) computes them: such a number is written as {@code null}, and the object that
 * holds it gets an {@code "error"} field saying why ({@link #NOT_FINITE}). The text stays valid
 * JSON, and no reader can take the value for a real score.
 */
public final class ModelNumbers {
    /** The {@code "error"} beside a value that is not a finite number. */
    public static final String NOT_FINITE = "the model's output is not a finite number (NaN or infinite): check its weights";

    private ModelNumbers() {}

    /** The number, or null when it is NaN or infinite. */
    public static JsonElement number(float v) {
        return Float.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    /** The values as a JSON array, each one as {@link #number}. */
    public static JsonArray array(float[] values) {
        JsonArray out = new JsonArray(values.length);
        for (float v : values) {
            out.add(number(v));
        }
        return out;
    }

    /** Rows of values as a JSON array of arrays, each value as {@link #number}. */
    public static JsonArray matrix(float[][] rows) {
        JsonArray out = new JsonArray(rows.length);
        for (float[] row : rows) {
            out.add(array(row));
        }
        return out;
    }

    /** Whether every value of every row is a finite number. */
    public static boolean allFinite(float[]... rows) {
        for (float[] row : rows) {
            for (float v : row) {
                if (!Float.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Adds {@code "error": NOT_FINITE} to {@code o} when a value of {@code rows} (the numbers
     * {@code o} holds) is not finite; returns whether it did.
     */
    public static boolean flagNotFinite(JsonObject o, float[]... rows) {
        if (allFinite(rows)) {
            return false;
        }
        o.addProperty("error", NOT_FINITE);
        return true;
    }
}
