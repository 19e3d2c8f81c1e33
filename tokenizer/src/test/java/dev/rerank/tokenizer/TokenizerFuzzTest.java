package dev.rerank.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rerank.testkit.Fuzz;
import dev.rerank.testkit.FuzzDir;
import dev.rerank.testkit.Mutator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz pass over the tokenizer files (issue 17): {@code tokenizer.json} (BPE and WordPiece),
 * {@code vocab.txt}, {@code vocab.json} and {@code merges.txt}. Whatever the bytes, loading gives a
 * tokenizer that encodes (ids within its vocabulary) or a {@link TokenizerException} with a short
 * message, within the harness's time and memory bounds. Seeds are the testdata tokenizers cut down
 * to a few hundred entries (the full 50,000-entry files would make each input cost milliseconds);
 * mutations are JSON-token-, line- and byte-level. Each test replays its saved corpus first.
 *
 * <p>CI runs {@link Fuzz#INPUTS} inputs per parser; the long run is
 * {@code mvn -B -pl tokenizer test -Dtest='TokenizerFuzzTest#tokenizerJson' -Drerank.fuzz.inputs=1000000}
 * (likewise {@code vocabTxt}, {@code vocabJson}, {@code mergesTxt}).
 */
class TokenizerFuzzTest {
    /** Text that reaches every part: ASCII, accents, CJK, an emoji, an added token, spaces. */
    private static final String TEXT = "Hello, wörld! 你好 🙂 <mask> [MASK] don't  stop";
    private static final String[] ODD_LINES = {"", " ", "a", "a b c", "\u0000", "#version: 0.2", "Ġ", "##", "[UNK]",
            "x".repeat(300), "\uFFFD", "a  b", "\t"};

    @TempDir(factory = FuzzDir.class)
    static Path dir;
    private static String bpeJson;
    private static String wordPieceJson;
    private static String vocabJson;
    private static String mergesTxt;
    private static String vocabTxt;

    @BeforeAll
    static void seeds() throws IOException {
        JsonObject roberta = read("roberta-base-tokenizer/tokenizer.json");
        JsonObject model = roberta.getAsJsonObject("model");
        JsonArray merges = new JsonArray();
        Set<String> keep = new LinkedHashSet<>(List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>"));
        for (int i = 0; i < 60; i++) {
            String merge = model.getAsJsonArray("merges").get(i).getAsString();
            merges.add(merge);
            String[] parts = merge.split(" ");
            keep.addAll(List.of(parts[0], parts[1], parts[0] + parts[1]));
        }
        // Every single-character token, so any byte of the byte-level alphabet has an id.
        model.getAsJsonObject("vocab").keySet().stream().filter(t -> t.codePointCount(0, t.length()) == 1).forEach(keep::add);
        JsonObject vocab = dense(subset(model.getAsJsonObject("vocab"), keep::contains));
        model.add("vocab", vocab);
        model.add("merges", merges);
        for (JsonElement added : roberta.getAsJsonArray("added_tokens")) { // <mask> moved down with the rest
            added.getAsJsonObject().add("id", vocab.get(added.getAsJsonObject().get("content").getAsString()));
        }
        bpeJson = roberta.toString();
        vocabJson = model.get("vocab").toString();
        StringBuilder m = new StringBuilder("#version: 0.2\n");
        merges.forEach(e -> m.append(e.getAsString()).append('\n'));
        mergesTxt = m.toString();

        JsonObject bert = read("bert-base-uncased-tokenizer/tokenizer.json");
        JsonObject wordPiece = bert.getAsJsonObject("model");
        wordPiece.add("vocab", subset(wordPiece.getAsJsonObject("vocab"), t -> wordPiece.getAsJsonObject("vocab").get(t).getAsInt() < 1200));
        wordPieceJson = bert.toString();
        List<String> lines = Files.readAllLines(TestData.file("bert-base-uncased-tokenizer/vocab.txt"));
        vocabTxt = String.join("\n", lines.subList(0, 1200)) + "\n";

        Files.createDirectories(dir.resolve("txt"));
        Files.copy(TestData.file("bert-base-uncased-tokenizer/tokenizer_config.json"), dir.resolve("txt/tokenizer_config.json"));
        for (String gpt2 : new String[] {"gpt2-vocab", "gpt2-merges"}) { // one each: the other file stays the seed's
            Files.createDirectories(dir.resolve(gpt2));
            Files.writeString(dir.resolve(gpt2 + "/vocab.json"), vocabJson);
            Files.writeString(dir.resolve(gpt2 + "/merges.txt"), mergesTxt);
        }
    }

    private static JsonObject read(String file) throws IOException {
        return JsonParser.parseString(Files.readString(TestData.file(file))).getAsJsonObject();
    }

    private static JsonObject subset(JsonObject vocab, java.util.function.Predicate<String> keep) {
        JsonObject out = new JsonObject();
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            if (keep.test(e.getKey())) {
                out.add(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The vocabulary renumbered 0, 1, 2, ... in its order of ids, as a real one is (ids are dense). */
    private static JsonObject dense(JsonObject vocab) {
        JsonObject out = new JsonObject();
        vocab.entrySet().stream().sorted(java.util.Comparator.comparingInt(e -> e.getValue().getAsInt()))
                .forEach(e -> out.addProperty(e.getKey(), out.size()));
        return out;
    }

    /** Loads, then encodes a text and a pair: every id must lie within the vocabulary. */
    private static void loadAndEncode(Path path) {
        Tokenizer t = Tokenizer.load(path);
        for (Encoding e : List.of(t.encode(TEXT), t.encodePair(TEXT, "a second text"),
                t.encodePair(TEXT, TEXT.repeat(4), 16, Truncation.LONGEST_FIRST))) {
            for (int id : e.ids()) {
                if (id < 0 || id >= t.vocabularySize()) {
                    throw new AssertionError("id " + id + " outside the vocabulary of " + t.vocabularySize());
                }
            }
            t.decode(e.ids(), true);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void fuzz(String parser, Path file, Path load, List<byte[]> seeds, Function<Mutator, Function<byte[][], byte[]>> mutate)
            throws IOException {
        Fuzz f = new Fuzz(parser, Fuzz.viaFile(file, p -> loadAndEncode(load)), TokenizerException.class);
        // The seeds themselves load: otherwise most mutations would only test one error.
        Fuzz.Report seedsOnly = f.run(seeds, seeds.size() * 4, 0, (m, ab) -> ab[0]);
        if (seedsOnly.accepted() != seedsOnly.tried()) {
            throw new AssertionError(parser + ": a seed does not load: " + seedsOnly.line());
        }
        Fuzz.assertClean(f.replay(TestData.file("fuzz-corpus/" + parser)));
        Fuzz.assertClean(f.run(seeds, Fuzz.INPUTS, Fuzz.SEED, (m, ab) -> mutate.apply(m).apply(ab)));
    }

    @Test
    void tokenizerJson() throws IOException {
        Path file = Files.createDirectories(dir.resolve("json")).resolve("tokenizer.json");
        // Two thirds JSON-token mutations (types, ranges, structure), one third raw bytes (syntax, encoding).
        fuzz("tokenizer-json", file, file, List.of(utf8(bpeJson), utf8(wordPieceJson)),
                m -> ab -> m.nextInt(3) > 0 ? utf8(m.json(text(ab[0]))) : m.bytes(ab[0], ab[1]));
    }

    @Test
    void vocabTxt() throws IOException {
        fuzz("vocab-txt", dir.resolve("txt/vocab.txt"), dir.resolve("txt"), List.of(utf8(vocabTxt)),
                m -> ab -> m.coin() ? utf8(m.lines(text(ab[0]), ODD_LINES)) : m.bytes(ab[0], ab[1]));
    }

    @Test
    void vocabJson() throws IOException {
        fuzz("vocab-json", dir.resolve("gpt2-vocab/vocab.json"), dir.resolve("gpt2-vocab"), List.of(utf8(vocabJson)),
                m -> ab -> m.nextInt(3) > 0 ? utf8(m.json(text(ab[0]))) : m.bytes(ab[0], ab[1]));
    }

    @Test
    void mergesTxt() throws IOException {
        fuzz("merges-txt", dir.resolve("gpt2-merges/merges.txt"), dir.resolve("gpt2-merges"), List.of(utf8(mergesTxt)),
                m -> ab -> m.coin() ? utf8(m.lines(text(ab[0]), ODD_LINES)) : m.bytes(ab[0], ab[1]));
    }
}
