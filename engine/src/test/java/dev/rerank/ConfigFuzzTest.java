package dev.rerank;

import dev.rerank.embedding.SentenceTransformersDir;
import dev.rerank.model.ModelConfig;
import dev.rerank.model.ModelException;
import dev.rerank.model.Recipe;
import dev.rerank.testkit.Fuzz;
import dev.rerank.testkit.FuzzDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz pass over a model directory's small JSON files (issue 17): {@code config.json}, and the
 * sentence-transformers files {@code modules.json}, {@code 1_Pooling/config.json},
 * {@code sentence_bert_config.json} and {@code config_sentence_transformers.json}. Whatever the
 * bytes, reading gives a configuration that holds together, or a {@link ModelException} with a
 * short message, within the harness's time and memory bounds. Seeds are the testdata files; each
 * test replays its saved corpus first.
 *
 * <p>CI runs {@link Fuzz#INPUTS} inputs per parser; the long run is
 * {@code mvn -B -pl tokenizer,engine test-compile surefire:test@default-test -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest='ConfigFuzzTest#configJson' -Drerank.fuzz.inputs=1000000} (likewise {@code modulesJson}, {@code poolingConfig},
 * {@code sentenceBertConfig}, {@code promptsConfig}); {@code surefire:test@default-test}, because a plain {@code test}
 * would also run it in the engine's three vector-width executions, where {@code -Dtest} overrides their includes.
 */
class ConfigFuzzTest {
    @TempDir(factory = FuzzDir.class)
    Path dir;

    private static List<byte[]> seeds(String... testdata) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String f : testdata) {
            out.add(Files.readAllBytes(TestData.file(f)));
        }
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Two thirds JSON-token mutations (types, ranges, structure), one third raw bytes (syntax, encoding). */
    private static void fuzz(String parser, Fuzz.Target target, List<byte[]> seeds) throws IOException {
        Fuzz f = new Fuzz(parser, target, ModelException.class);
        Fuzz.Report seedsOnly = f.run(seeds, seeds.size() * 4, 0, (m, ab) -> ab[0]);
        if (seedsOnly.accepted() != seedsOnly.tried()) {
            throw new AssertionError(parser + ": a seed does not load: " + seedsOnly.line());
        }
        Fuzz.assertClean(f.replay(TestData.file("fuzz-corpus/" + parser)));
        Fuzz.assertClean(f.run(seeds, Fuzz.INPUTS, Fuzz.SEED, (m, ab) -> m.nextInt(3) > 0
                ? utf8(m.json(new String(ab[0], StandardCharsets.UTF_8))) : m.bytes(ab[0], ab[1])));
    }

    /** What a loaded config promises the engine: sizes in range, and every weight fitting one array. */
    private static void check(ModelConfig c) {
        Recipe r = c.recipe();
        boolean ok = r.vocab() >= 1 && r.hidden() >= 1 && r.maxLength() >= 1 && c.padTokenId() >= 0
                && c.padTokenId() < r.vocab() && c.numLabels() == c.labels().size();
        for (Recipe.Param p : r.params(true)) {
            long n = 1;
            for (long d : p.shape()) {
                ok &= d >= 1;
                n *= d;
            }
            ok &= n < Integer.MAX_VALUE;
        }
        for (Recipe.Layer l : r.layers()) {
            Recipe.Attention a = l.attention();
            ok &= a.heads() >= 1 && a.keyValueHeads() >= 1 && a.heads() % a.keyValueHeads() == 0 && a.headSize() >= 1;
            for (Recipe.Norm n : new Recipe.Norm[] {l.attentionNorm(), l.feedForwardNorm(), a.queryNorm(), a.keyNorm()}) {
                ok &= n.kind() == Recipe.NormKind.NONE || n.eps() > 0 && Double.isFinite(n.eps());
            }
        }
        if (!ok) {
            throw new AssertionError("inconsistent config accepted: " + c);
        }
    }

    @Test
    void configJson() throws IOException {
        Path file = dir.resolve("config.json");
        fuzz("config-json", Fuzz.viaFile(file, p -> check(ModelConfig.load(p))),
                seeds("models/tiny-roberta/config.json", "models/tiny-bert/config.json", "models/tiny-bert-embed/config.json",
                        "models/tiny-bert-onnx/config.json"));
    }

    /** A copy of the tiny sentence-transformers model's small files, with a prompts file, to mutate one of. */
    private Path sentenceTransformersDir() throws IOException {
        Path model = TestData.file("models/tiny-bert-embed");
        try (Stream<Path> files = Files.walk(model)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                Path target = dir.resolve(model.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        Files.writeString(dir.resolve("config_sentence_transformers.json"), PROMPTS);
        return dir;
    }

    private static final String PROMPTS = "{\"prompts\": {\"query\": \"query: \", \"document\": \"\"}, \"default_prompt_name\": \"query\"}";

    private void sentenceTransformers(String parser, String file) throws IOException {
        Path st = sentenceTransformersDir();
        fuzz(parser, Fuzz.viaFile(st.resolve(file), p -> SentenceTransformersDir.read(st).describe()),
                List.of(Files.readAllBytes(st.resolve(file))));
    }

    @Test
    void modulesJson() throws IOException {
        sentenceTransformers("st-modules", "modules.json");
    }

    @Test
    void poolingConfig() throws IOException {
        sentenceTransformers("st-pooling", "1_Pooling/config.json");
    }

    @Test
    void sentenceBertConfig() throws IOException {
        sentenceTransformers("st-sbert", "sentence_bert_config.json");
    }

    @Test
    void promptsConfig() throws IOException {
        sentenceTransformers("st-prompts", "config_sentence_transformers.json");
    }
}
