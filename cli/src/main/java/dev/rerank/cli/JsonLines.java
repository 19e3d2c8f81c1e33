package dev.rerank.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading input lines from a file or standard input ("-"), and the JSON objects on them. */
final class JsonLines {
    /** One non-blank input line and its 1-based number. */
    record Line(int number, String text) {}

    private JsonLines() {}

    static List<Line> read(String source, Console console) {
        try (BufferedReader reader = source.equals("-")
                ? new BufferedReader(new InputStreamReader(console.in(), StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(source), StandardCharsets.UTF_8)) {
            List<Line> lines = new ArrayList<>();
            int number = 0;
            for (String text; (text = reader.readLine()) != null; ) {
                number++;
                if (!text.isBlank()) {
                    lines.add(new Line(number, text));
                }
            }
            return lines;
        } catch (NoSuchFileException e) {
            throw new InputException("input file not found: " + source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    /** The line as a JSON object, or an InputException naming the line. */
    static JsonObject object(Line line) {
        try {
            JsonElement e = JsonParser.parseString(line.text());
            if (!e.isJsonObject()) {
                throw new InputException("input line " + line.number() + ": expected a JSON object, got " + abbreviate(line.text()));
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new InputException("input line " + line.number() + ": not valid JSON: " + abbreviate(line.text()));
        }
    }

    /** A required string field, or an InputException naming the line and the field. */
    static String string(JsonObject o, String field, Line line) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new InputException("input line " + line.number() + ": field \"" + field + "\" is missing or not a string");
        }
        return e.getAsString();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
