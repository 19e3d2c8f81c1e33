package dev.rerank.springai;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.convert.Converter;
import dev.rerank.weights.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The repository's testdata/ folder (set by the build as rerank.testdata) and model directories made from it. */
final class TestData {
    static final String QUERY = "A man is playing a guitar.";
    static final List<String> DOCUMENTS = List.of(
            "A man plays the guitar.", "A woman is slicing an onion.", "A man is playing a flute.",
            "Someone is riding a horse.", "A boy is playing the guitar on stage.", "The cat sleeps.",
            "Two men are playing guitars and singing.", "A chef is cooking pasta.");

    private TestData() {}

    static Path file(String relative) {
        String configured = System.getProperty("rerank.testdata");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "testdata");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("testdata not found at " + dir.toAbsolutePath());
        }
        return dir.resolve(relative).toAbsolutePath();
    }

    static JsonObject json(String relative) throws IOException {
        return JsonParser.parseString(Files.readString(file(relative))).getAsJsonObject();
    }

    /** The tiny-roberta cross-encoder. */
    static Path reranker() {
        return file("models/tiny-roberta");
    }

    /** The tiny-bert-embed sentence-transformers model (mean pooling, Normalize). */
    static Path embedder() {
        return file("models/tiny-bert-embed");
    }

    /**
     * tiny-bert-embed with named prompts, "query: " and "passage: ", as e5-style models have;
     * {@code defaultPrompt} (or null) is its default_prompt_name.
     */
    static Path promptedEmbedder(Path into, String defaultPrompt) throws IOException {
        copyTree(embedder(), into);
        JsonObject prompts = new JsonObject();
        prompts.addProperty("query", "query: ");
        prompts.addProperty("document", "passage: ");
        JsonObject config = new JsonObject();
        config.add("prompts", prompts);
        config.addProperty("default_prompt_name", defaultPrompt);
        Files.writeString(into.resolve("config_sentence_transformers.json"), config.toString());
        return into;
    }

    /** A 3-label classifier (NLI-style) directory: synthetic weights, the roberta tokenizer. */
    static Path classifier(Path into) throws IOException {
        JsonObject golden = json("model-tiny-nli.json");
        Files.createDirectories(into);
        Files.writeString(into.resolve("config.json"), golden.getAsJsonObject("config").toString());
        Converter.synthesize(into.resolve("config.json"), golden.get("salt").getAsString(), into, DType.F32);
        Files.copy(file("models/tiny-roberta/tokenizer.json"), into.resolve("tokenizer.json"));
        return into;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
