package dev.rerank.cli;

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
}
