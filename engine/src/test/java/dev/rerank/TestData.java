package dev.rerank;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's testdata/ folder (set by the build as rerank.testdata). */
public final class TestData {
    private TestData() {}

    public static Path dir() {
        String configured = System.getProperty("rerank.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("testdata not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }
}
