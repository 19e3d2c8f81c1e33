package dev.rerank.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WordPiece behaviour the golden file does not pin down on its own. */
class WordPieceEdgeCasesTest {
    private static Tokenizer bert;

    @BeforeAll
    static void load() {
        bert = Tokenizer.load(TestData.file("bert-base-uncased-tokenizer"));
    }

    @Test
    void normalizerCleansSpacesChineseStripsAndLowercases() {
        BertNormalizer standard = new BertNormalizer(true, true, true, true);
        // NUL, U+0001, vertical tab, NEL and U+FFFD vanish; tab and no-break space become spaces.
        assertEquals("abcde f gh", standard.normalize("a\u0000b\u0001c\u000bd\u0085e\tf\u00a0g\ufffdh"));
        assertEquals(" 中  文 abc", standard.normalize("中文ABC"));
        assertEquals("hello cafe", standard.normalize("Héllo Café"));
        assertEquals("héllo", new BertNormalizer(true, true, false, true).normalize("Héllo"));
        assertEquals("Hello", new BertNormalizer(true, true, true, false).normalize("Héllo"));
        // İ lowercases to i + combining dot, which strip_accents (run before lowercase) never sees.
        assertEquals("i\u0307stanbul", new BertNormalizer(true, true, false, true).normalize("İstanbul"));
        assertEquals("istanbul", standard.normalize("İstanbul"));
        // A mark encoded after Unicode 8.0 (Adlam, U+1E944) is not stripped: the reference does not know it.
        assertEquals("\ud83a\udd22\ud83a\udd44", standard.normalize("\ud83a\udd00\ud83a\udd44"));
        assertEquals("中文", new BertNormalizer(false, false, false, false).normalize("中文"));
    }

    @Test
    void preTokenizerSplitsWhitespaceAndIsolatesPunctuation() {
        List<String> words = new ArrayList<>();
        String text = "Hey friend!     How are you?!?\u3000x\u00a0$5";
        BertPreTokenizer.split(text, (start, end) -> words.add(text.substring(start, end)));
        assertEquals(List.of("Hey", "friend", "!", "How", "are", "you", "?", "!", "?", "x", "$", "5"), words);
    }

    @Test
    void wordsOverOneHundredCharactersAreUnknown(@TempDir Path dir) throws IOException {
        assertArrayEquals(new int[] {100}, bert.encode("b".repeat(101)).ids());
        assertEquals(50, bert.encode("b".repeat(100)).length(), "100 characters are still split into pieces");
        // The limit counts characters, not UTF-16 units: 60 emoji are 120 chars but 60 characters.
        JsonObject json = bertJson();
        json.getAsJsonObject("model").getAsJsonObject("vocab").addProperty("😀", 30522);
        json.getAsJsonObject("model").getAsJsonObject("vocab").addProperty("##😀", 30523);
        Tokenizer withEmoji = Tokenizer.load(write(dir, json));
        assertEquals(60, withEmoji.encode("😀".repeat(60)).length());
        assertArrayEquals(new int[] {100}, withEmoji.encode("😀".repeat(101)).ids());
        // One uncoverable character makes the whole word unknown, not just its piece.
        assertArrayEquals(new int[] {100}, bert.encode("hello😀").ids());
        assertArrayEquals(new int[] {7592, 100}, bert.encode("hello 😀").ids());
    }

    @Test
    void longInputIsFast() {
        String text = "the quick brown fox jumps over the lazy dog ".repeat(20_000) + "x".repeat(100_000);
        Encoding enc = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> bert.encode(text));
        assertEquals(180_001, enc.length());
    }

    @Test
    void specialTokensMatchInRawTextOnlyWhenSpelledExactly() {
        assertArrayEquals(new int[] {101, 7592, 102, 103, 0}, bert.encode("[CLS]hello[SEP][MASK][PAD]").ids());
        assertArrayEquals(new int[] {1031, 18856, 2015, 1033}, bert.encode("[cls]").ids());
        assertArrayEquals(new int[] {2023, 101, 2003}, bert.encode("THIS[CLS]IS").ids());
    }

    @Test
    void normalizedAddedTokensMatchTheirNormalizedSpelling(@TempDir Path dir) throws IOException {
        JsonObject json = bertJson();
        JsonObject token = new JsonObject();
        token.addProperty("id", 30522);
        token.addProperty("content", "Hello Wörld");
        token.addProperty("normalized", true);
        token.addProperty("special", false);
        json.getAsJsonArray("added_tokens").add(token);
        Tokenizer t = Tokenizer.load(write(dir, json));
        assertEquals(30523, t.vocabularySize());
        assertArrayEquals(new int[] {2023, 30522, 999}, t.encode("this HELLO WORLD!").ids());
        assertEquals("Hello Wörld", t.token(30522));
    }

    @Test
    void framingTypeIdsAndDecoding() {
        Encoding single = bert.encodeSingle("Hello there", 3);
        assertArrayEquals(new int[] {101, 7592, 102}, single.ids());
        assertArrayEquals(new int[] {0, 0, 0}, single.typeIds());
        Encoding pair = bert.encodePair("Hello, world!", "don't stop");
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, pair.typeIds());
        assertEquals("[CLS] hello, world! [SEP] don ' t stop [SEP]", bert.decode(pair.ids(), false));
        assertEquals("hello, world! don ' t stop", bert.decode(pair.ids(), true));
        assertEquals("unaffable", bert.decode(bert.encode("unaffable").ids(), false));
        assertThrows(TokenizerException.class, () -> bert.decode(new int[] {30522}, false));
        assertThrows(TokenizerException.class, () -> bert.encodePair("a", "b", 2, Truncation.LONGEST_FIRST));
    }

    @Test
    void theTinyBertModelsShipTheSameTokenizer() {
        for (String model : new String[] {"models/tiny-bert", "models/tiny-bert-embed"}) {
            Tokenizer t = Tokenizer.load(TestData.file(model));
            assertEquals("WordPiece", t.kind());
            assertEquals(128, t.modelMaxLength(), "tokenizer_config.json's model_max_length");
            assertEquals(bert.encodePair("How many people live in Berlin?", "Berlin is big."),
                    t.encodePair("How many people live in Berlin?", "Berlin is big."));
        }
    }

    static JsonObject bertJson() throws IOException {
        return JsonParser.parseString(Files.readString(TestData.file("bert-base-uncased-tokenizer/tokenizer.json")))
                .getAsJsonObject();
    }

    static Path write(Path dir, JsonObject json) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json.toString());
        return file;
    }

    static JsonArray array(int... values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }
}
