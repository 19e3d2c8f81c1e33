package dev.rerank.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.rerank.io.StrictJson;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
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

    /**
     * The non-blank lines of a file or of standard input, both decoded strictly: bytes that are
     * not UTF-8 are an error naming their line, wherever they come from (a lenient reader would
     * turn them into U+FFFD and score text nobody wrote).
     */
    static List<Line> read(String source, Console console) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(source.equals("-") ? console.in() : Files.newInputStream(Path.of(source)))) {
            List<Line> lines = new ArrayList<>();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int number = 0;
            for (int b = in.read(); b >= 0 || bytes.size() > 0; b = in.read()) {
                if (b >= 0 && b != '\n') {
                    bytes.write(b);
                    continue;
                }
                // Decoded line by line, so the error names the line the bad bytes are on.
                number++;
                String text;
                try {
                    text = utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    throw new InputException("input line " + number + (source.equals("-") ? "" : " of " + source)
                            + ": not valid UTF-8");
                }
                bytes.reset();
                text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                if (!text.isBlank()) {
                    lines.add(new Line(number, text));
                }
                if (b < 0) {
                    break;
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
            JsonElement e = StrictJson.parse(line.text());
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
