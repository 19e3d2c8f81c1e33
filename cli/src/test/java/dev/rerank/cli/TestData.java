package dev.rerank.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's testdata/ folder (set by the build as rerank.testdata). */
final class TestData {
    private TestData() {}

    static Path dir() {
        String configured = System.getProperty("rerank.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("testdata not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }

    /** Writes the tiny model into {@code dir} as a hub repository that ships only pytorch_model.bin. */
    static Path pytorchOnlyModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(file("models/tiny-roberta-pt/pytorch_model.bin"), dir.resolve("pytorch_model.bin"));
        Files.copy(file("models/tiny-roberta/config.json"), dir.resolve("config.json"));
        Files.copy(file("models/tiny-roberta/tokenizer.json"), dir.resolve("tokenizer.json"));
        return dir;
    }
}
