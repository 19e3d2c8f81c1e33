package dev.rerank.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/**
 * JSON as RFC 8259 defines it, for every file and request the engine, server, CLI and Spark job
 * read. Gson's {@code JsonParser.parseString} is lenient: it takes comments, single quotes,
 * unquoted names, NaN, and a second value after the first, so a file that no other JSON reader
 * accepts would load here. Errors are one line, without gson's troubleshooting link.
 */
public final class StrictJson {
    private StrictJson() {}

    /** The one JSON value {@code text} holds; {@link JsonParseException} with a one-line message otherwise. */
    public static JsonElement parse(String text) {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        try {
            JsonElement value = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("more than one JSON value: something follows the first");
            }
            return value;
        } catch (IOException e) {
            throw new JsonParseException(oneLine(e.getMessage()));
        } catch (JsonParseException e) {
            throw new JsonParseException(oneLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw new JsonParseException("nested too deeply");
        }
    }

    /** Gson's message without the "See https://..." line it appends. */
    static String oneLine(String message) {
        if (message == null) {
            return "invalid JSON";
        }
        int cut = message.indexOf("\nSee ");
        String first = (cut >= 0 ? message.substring(0, cut) : message).strip();
        // Gson's exception may wrap another whose class name leads the message.
        first = first.replaceFirst("^[a-z]+(\\.[a-z]+)+\\.[A-Z][A-Za-z]*Exception: ", "");
        return first.replace('\n', ' ');
    }
}
