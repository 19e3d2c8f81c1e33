package dev.rerank.spark;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.rerank.io.StrictJson;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * JSON Lines {@code {"a": ..., "b": ...}} read one line at a time into (a, b, input_error) rows.
 * A line that is not an object, or whose a or b is missing or not a string, becomes a row with
 * the texts that were usable and an input_error saying what is wrong, so the job reports it
 * beside the other rows instead of failing. Blank lines are skipped, as the CLI skips them.
 */
final class JsonPairs implements FlatMapFunction<Row, Row> {
    static final StructType SCHEMA = DataTypes.createStructType(List.of(
            Columns.nullable("a", DataTypes.StringType),
            Columns.nullable("b", DataTypes.StringType),
            Columns.nullable("input_error", DataTypes.StringType)));

    @Override
    public Iterator<Row> call(Row line) {
        String text = line.getString(0);
        if (text == null || text.isBlank()) {
            return Collections.emptyIterator();
        }
        return List.of(parse(text)).iterator();
    }

    static Row parse(String text) {
        JsonElement e;
        try {
            e = StrictJson.parse(text);
        } catch (JsonParseException ex) {
            return RowFactory.create(null, null, "not valid JSON: " + abbreviate(text));
        }
        if (!e.isJsonObject()) {
            return RowFactory.create(null, null, "expected a JSON object, got " + abbreviate(text));
        }
        JsonObject o = e.getAsJsonObject();
        String a = string(o, "a");
        String b = string(o, "b");
        String error = a == null && b == null ? "fields \"a\" and \"b\" are missing or not strings"
                : a == null ? "field \"a\" is missing or not a string"
                : b == null ? "field \"b\" is missing or not a string" : null;
        return RowFactory.create(a, b, error);
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
