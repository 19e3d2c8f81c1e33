package dev.rerank.langchain4j;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's testdata/ folder (set by the build as rerank.testdata) and its golden files. */
final class TestData {
    private TestData() {}

    static Path file(String relative) {
        String configured = System.getProperty("rerank.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("testdata not found at " + dir.toAbsolutePath());
        }
        return dir.resolve(relative);
    }

    static JsonObject json(String relative) throws IOException {
        return JsonParser.parseString(Files.readString(file(relative))).getAsJsonObject();
    }
}
