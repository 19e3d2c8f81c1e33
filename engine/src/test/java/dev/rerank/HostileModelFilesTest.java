package dev.rerank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.embedding.SentenceTransformersDir;
import dev.rerank.io.BoundedFiles;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ModelException;
import dev.rerank.weights.ShardedSafetensors;
import dev.rerank.weights.WeightsException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every small file of a model directory the engine reads (issue 28, item 5) — config.json,
 * modules.json, the Pooling config, sentence_bert_config.json, config_sentence_transformers.json,
 * a weights index — as a FIFO, a link to a device, an oversized file and lenient JSON: each is a
 * named error within seconds, never a hang or gigabytes read.
 */
class HostileModelFilesTest {
    @TempDir
    Path tmp;

    /** What reads one kind of file, from a copy of the tiny embedding model. */
    private record Kind(String file, long cap, Loader loader) {}

    private interface Loader {
        void load(Path dir);
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("config.json", BoundedFiles.CONFIG_BYTES, dir -> ModelConfig.load(dir.resolve("config.json"))),
            new Kind("modules.json", BoundedFiles.CONFIG_BYTES, SentenceTransformersDir::read),
            new Kind("1_Pooling/config.json", BoundedFiles.CONFIG_BYTES, SentenceTransformersDir::read),
            new Kind("sentence_bert_config.json", BoundedFiles.CONFIG_BYTES, SentenceTransformersDir::read),
            new Kind("config_sentence_transformers.json", BoundedFiles.CONFIG_BYTES, SentenceTransformersDir::read),
            new Kind("model.safetensors.index.json", BoundedFiles.INDEX_BYTES,
                    dir -> ShardedSafetensors.open(dir.resolve("model.safetensors.index.json")).close()));

    private Path model() throws IOException {
        Path dir = tmp.resolve("model-" + System.nanoTime());
        Path from = TestData.file("models/tiny-bert-embed");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path to = dir.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return dir;
    }

    private static String refusal(Kind kind, Path dir) {
        RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(RuntimeException.class, () -> kind.loader().load(dir)), kind.file());
        assertTrue(e instanceof ModelException || e instanceof WeightsException, kind.file() + ": " + e);
        return e.getMessage();
    }

    private interface Replacement {
        void put(Path file) throws Exception;
    }

    /** Each kind of file, replaced by {@code replacement}, is refused as not a regular file. */
    private void refusedAsNotRegular(Replacement replacement) throws Exception {
        for (Kind kind : KINDS) {
            Path dir = model();
            Files.deleteIfExists(dir.resolve(kind.file()));
            replacement.put(dir.resolve(kind.file()));
            String message = refusal(kind, dir);
            assertTrue(message.contains("not a regular file"), kind.file() + ": " + message);
        }
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        refusedAsNotRegular(file -> assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor()));
    }

    @Test
    void aLinkToADeviceIsRefused() throws Exception {
        refusedAsNotRegular(file -> Files.createSymbolicLink(file, Path.of("/dev/zero")));
    }

    @Test
    void aFileOverItsKindsCapIsRefusedUnread() throws IOException {
        for (Kind kind : KINDS) {
            Path dir = model();
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(kind.file()).toFile(), "rw")) {
                f.setLength(kind.cap() + 1); // sparse: nothing is written
            }
            String message = refusal(kind, dir);
            assertTrue(message.contains("more than the limit of " + kind.cap()), kind.file() + ": " + message);
        }
    }

    @Test
    void lenientJsonIsRefused() throws IOException {
        for (String text : List.of("{\"a\": 1} // comment", "{'a': 1}", "{a: 1}", "{\"a\": NaN}", "{\"a\": 1} {\"b\": 2}",
                "{\"a\": 1,}")) {
            for (Kind kind : KINDS) {
                Path dir = model();
                Files.writeString(dir.resolve(kind.file()), kind.file().equals("modules.json") ? "[" + text + "]" : text);
                String message = refusal(kind, dir);
                assertTrue(message.contains("invalid JSON"), kind.file() + " with " + text + ": " + message);
                assertTrue(!message.contains("\n") && !message.contains("https://"), "one line, no link: " + message);
            }
        }
    }

    @Test
    void aModuleInsideTheModelDirectoryNamedAsDotIsInside() {
        // "--model ." normalized to the empty path, which no path starts with: 1_Pooling "left" it.
        assertTrue(SentenceTransformersDir.inside(Path.of("."), Path.of(".").resolve("1_Pooling")));
        assertTrue(SentenceTransformersDir.inside(Path.of(""), Path.of("1_Pooling")));
        assertTrue(!SentenceTransformersDir.inside(Path.of("."), Path.of(".").resolve("../elsewhere")));
        assertTrue(!SentenceTransformersDir.inside(Path.of("m"), Path.of("m").resolve("/etc")));
    }
}
