package dev.rerank.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rerank.SentenceEncoder;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert --dtype} into another directory (issue 28, item 8) takes along only the model's
 * own files — an allow-list: config, tokenizer, sentence-transformers files and module folders —
 * never what else lies beside the weights (a .env, an id_rsa), and never through a link that
 * leaves the source directory (it used to copy /etc/passwd through one).
 */
class ConvertDtypeCopiesTest {
    @TempDir
    Path tmp;

    private Path copyOf(String model) throws IOException {
        Path from = TestData.dir().resolve("models").resolve(model);
        Path dir = tmp.resolve("src-" + model);
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

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return new TreeSet<>(all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).toList());
        }
    }

    @Test
    void onlyTheModelsOwnFilesAreCopied() throws IOException {
        Path src = copyOf("tiny-roberta");
        Files.writeString(src.resolve(".env"), "SECRET=1");
        Files.writeString(src.resolve("id_rsa"), "-----BEGIN KEY-----");
        Files.createSymbolicLink(src.resolve("passwd"), Path.of("/etc/passwd"));
        Path out = tmp.resolve("out");
        Converter.convertDtype(src.resolve("model.safetensors"), out.resolve("model.safetensors"), DType.F16);
        Set<String> copied = files(out);
        assertTrue(copied.containsAll(List.of("model.safetensors", "config.json", "tokenizer.json")), copied.toString());
        for (String secret : List.of(".env", "id_rsa", "passwd")) {
            assertTrue(!copied.contains(secret), secret + " was copied: " + copied);
        }
    }

    @Test
    void anAllowedFileThatLinksOutsideTheSourceIsRefused() throws IOException {
        Path src = copyOf("tiny-roberta");
        Path outside = Files.writeString(tmp.resolve("outside-secret"), "not a model file");
        Files.delete(src.resolve("config.json"));
        Files.createSymbolicLink(src.resolve("config.json"), outside);
        Path out = tmp.resolve("out-link");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Converter.convertDtype(src.resolve("model.safetensors"), out.resolve("model.safetensors"), DType.F16));
        assertTrue(e.getMessage().contains("outside the model directory"), e.getMessage());
        assertTrue(!Files.exists(out.resolve("config.json")), "the linked file was not copied");
    }

    @Test
    void aHubSnapshotsLinksIntoItsBlobsAreFollowed() throws IOException {
        Path src = copyOf("tiny-roberta");
        Path repo = tmp.resolve("models--org--m");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve("0123456789abcdef0123456789abcdef01234567"));
        for (String name : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            Files.copy(src.resolve(name), blobs.resolve("blob-" + name));
            Files.createSymbolicLink(snapshot.resolve(name), Path.of("../../blobs/blob-" + name));
        }
        Path out = tmp.resolve("out-hub");
        Converter.convertDtype(snapshot.resolve("model.safetensors"), out.resolve("model.safetensors"), DType.F16);
        assertEquals(Files.readString(src.resolve("config.json")), Files.readString(out.resolve("config.json")));
    }

    @Test
    void aSentenceTransformersModelKeepsItsModuleFoldersAndLoads() throws IOException {
        Path src = copyOf("tiny-bert-embed");
        Path out = tmp.resolve("out-embed");
        Converter.convertDtype(src.resolve("model.safetensors"), out.resolve("model.safetensors"), DType.F16);
        assertTrue(files(out).contains("1_Pooling/config.json"), files(out).toString());
        try (SentenceEncoder model = SentenceEncoder.load(out)) {
            assertEquals(1, model.encode(List.of("a text")).length);
        }
    }
}
