package dev.rerank.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reading the small files of a tokenizer, and the two kinds of error every reader reports. */
final class TokenizerFiles {
    private TokenizerFiles() {}

    /** A file that is broken: {@code file: what}. */
    static TokenizerException malformed(String file, String what) {
        return new TokenizerException(file + ": " + what);
    }

    /** A valid file asking for something not implemented: {@code file: unsupported what}. */
    static TokenizerException unsupported(String file, String what) {
        return new TokenizerException(file + ": unsupported " + what);
    }

    /** A whole JSON file that must hold an object. */
    static JsonFields readObject(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + file);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonElement json;
        try {
            json = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw malformed(file.toString(), "invalid JSON (" + rootCause(e) + ")");
        }
        if (!json.isJsonObject()) {
            throw malformed(file.toString(), "expected a JSON object at the top level");
        }
        return JsonFields.root(json.getAsJsonObject(), file.toString());
    }

    /** Lines split at \n, \r\n or \r, as Python's universal newlines (how transformers reads vocab files). */
    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + file);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + rootCause(e), e);
        }
    }

    static String rootCause(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
